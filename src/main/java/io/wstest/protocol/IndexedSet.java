package io.wstest.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A set for one thread whose members know their own index in it: adding and removing are constant time, walking
 * is an array walk, and holding a member costs one array slot. {@link ConnectionHandler} keeps its sockets in one,
 * hand-written instead of a {@code LinkedHashSet}, whose 40-byte entry per socket was about 2 % of what a held idle
 * WebSocket keeps on the heap ({@code jmap -histo:live} at 4,000 held). Removing moves the last member into the
 * freed slot, so a walk's order is not the order of arrival; changing the set during a walk fails the walk, as the
 * JDK's collections do. A member is in at most one such set at a time.
 */
final class IndexedSet<T extends IndexedSet.Member> implements Iterable<T> {

  /** What a member carries: its index in the set that holds it. */
  abstract static class Member {
    private int slot = -1;
  }

  private static final int MIN_CAPACITY = 16;

  private Member[] slots = new Member[MIN_CAPACITY];
  private int size;
  private int modifications;

  /** Adds a member that is in no set; false if it is already in one. */
  boolean add(T added) {
    Member member = added; // a private field is not reached through a type variable
    if (member.slot >= 0) {
      return false;
    }
    if (size == slots.length) {
      slots = Arrays.copyOf(slots, size * 2);
    }
    slots[size] = member;
    member.slot = size++;
    modifications++;
    return true;
  }

  /** Removes a member of this set; false if it is not in it (already removed, or never added). */
  boolean remove(T removed) {
    Member member = removed;
    int slot = member.slot;
    if (slot < 0 || slot >= size || slots[slot] != member) {
      return false;
    }
    Member last = slots[--size];
    slots[slot] = last;
    last.slot = slot;
    slots[size] = null;
    member.slot = -1;
    modifications++;
    if (slots.length > MIN_CAPACITY && size < slots.length / 4) {
      // a wave of closes gives the array back, down to twice what is left
      slots = Arrays.copyOf(slots, Math.max(MIN_CAPACITY, size * 2));
    }
    return true;
  }

  int size() {
    return size;
  }

  /** The array's length: what the set holds room for. */
  int capacity() {
    return slots.length;
  }

  /** A copy, for a walk that changes the set as it goes. */
  List<T> snapshot() {
    List<T> copy = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      copy.add(member(i));
    }
    return copy;
  }

  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private final int expected = modifications;
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public T next() {
        if (modifications != expected) {
          throw new ConcurrentModificationException();
        }
        if (next >= size) {
          throw new NoSuchElementException();
        }
        return member(next++);
      }
    };
  }

  @SuppressWarnings("unchecked") // only add() fills the array, with Ts
  private T member(int i) {
    return (T) slots[i];
  }
}
