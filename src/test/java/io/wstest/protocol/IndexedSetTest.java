package io.wstest.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexedSetTest {

  private static final class Item extends IndexedSet.Member {
  }

  @Test
  void holdsWhatWasAddedAndNotRemovedThroughRandomChurn() {
    IndexedSet<Item> set = new IndexedSet<>();
    Set<Item> expected = new HashSet<>();
    List<Item> all = new ArrayList<>();
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      if (all.isEmpty() || random.nextInt(3) > 0) {
        Item item = new Item();
        all.add(item);
        assertTrue(set.add(item));
        expected.add(item);
      } else {
        Item item = all.get(random.nextInt(all.size()));
        assertEquals(expected.remove(item), set.remove(item), "remove reports whether it was there");
      }
      if (i % 1_000 == 0) {
        assertEquals(expected, walk(set));
        assertEquals(expected, new HashSet<>(set.snapshot()));
      }
    }
    assertEquals(expected.size(), set.size());
    assertEquals(expected, walk(set));
  }

  @Test
  void aMemberIsInAtMostOneSetAndOnlyOnce() {
    IndexedSet<Item> first = new IndexedSet<>();
    IndexedSet<Item> second = new IndexedSet<>();
    Item item = new Item();
    Item other = new Item();
    assertTrue(first.add(item));
    assertFalse(first.add(item), "already in it");
    assertFalse(second.add(item), "already in another set");
    assertTrue(second.add(other));
    assertFalse(second.remove(item), "not in this one");
    assertTrue(first.remove(item));
    assertFalse(first.remove(item), "already removed");
    assertTrue(second.add(item), "free again");
    assertEquals(0, first.size());
    assertEquals(2, second.size());
  }

  @Test
  void givesMemoryBackAfterAWaveOfRemovals() {
    IndexedSet<Item> set = new IndexedSet<>();
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Item item = new Item();
      items.add(item);
      set.add(item);
    }
    assertEquals(16_384, set.capacity());
    for (Item item : items.subList(0, 9_990)) {
      set.remove(item);
    }
    assertEquals(10, set.size());
    assertTrue(set.capacity() >= 16 && set.capacity() <= 4 * set.size(),
      "room for at most four times what is left: " + set.capacity());
    assertEquals(new HashSet<>(items.subList(9_990, 10_000)), walk(set));
  }

  @Test
  void changingTheSetDuringAWalkFailsTheWalk() {
    IndexedSet<Item> set = new IndexedSet<>();
    Item a = new Item();
    set.add(a);
    set.add(new Item());
    Iterator<Item> walk = set.iterator();
    walk.next();
    set.remove(a);
    assertThrows(ConcurrentModificationException.class, walk::next);
  }

  private static Set<Item> walk(IndexedSet<Item> set) {
    Set<Item> seen = new HashSet<>();
    for (Item item : set) {
      assertTrue(seen.add(item), "each member once");
    }
    return seen;
  }
}
