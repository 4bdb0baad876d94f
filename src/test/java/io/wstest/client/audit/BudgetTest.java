package io.wstest.client.audit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the budget is divided: reserve, drain, the idle ladder's rungs, and the foreground parts' shares. */
class BudgetTest {

  private static Duration s(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  @Test
  void threeMinutesWithADrainRehearsal() {
    Budget b = Budget.plan(Duration.ofMinutes(3), s(5), true);
    assertEquals(s(9), b.reserve(), "5 % of the budget");
    assertEquals(s(45), b.drain(), "a quarter of it");
    assertEquals(s(126), b.window());
    // the longest rung leaves room to open a socket and to probe it: two timeouts and a second
    // halving from there, at most six rungs
    assertEquals(List.of(s(3.5), s(7.1), s(14), s(28), s(57), s(115)), b.ladder());
    assertEquals(s(1.7), b.keepaliveInterval(), "half the shortest rung, in 100 ms steps");
    assertTrue(b.describe().contains("idle ladder 3500ms..115s"), b.describe());
  }

  @Test
  void fortySecondsWithoutDrainBracketsAThreeSecondTimeout() {
    Budget b = Budget.plan(s(40), s(5), false);
    assertEquals(Duration.ZERO, b.drain());
    assertEquals(s(2), b.reserve(), "at least 2 s");
    assertEquals(List.of(s(1.6), s(3.3), s(6.7), s(13), s(27)), b.ladder());
    assertEquals(s(0.8), b.keepaliveInterval());
    assertEquals(b.total(), b.window().plus(b.drain()).plus(b.reserve()));
  }

  @Test
  void aBudgetTooShortForTwoRungsHasNoLadder() {
    Budget b = Budget.plan(s(20), s(5), true);
    assertEquals(s(15), b.drain());
    assertTrue(b.ladder().isEmpty(), b.ladder().toString());
    assertTrue(b.describe().contains("no idle ladder"), b.describe());
    assertEquals(6, Budget.plan(Duration.ofHours(1), s(5), true).ladder().size(), "at most six rungs");
  }

  @Test
  void eachForegroundPartMayUseWhatIsLeftButTheLaterPartsMinimum() {
    // later parts keep a second per unit of weight: handshake 3, spread 2, held open 2, sticky 3
    assertEquals(s(100), Budget.share(Budget.Part.PROBE, s(110)), "110 s less 10 s for the four after it");
    assertEquals(s(93), Budget.share(Budget.Part.HANDSHAKE, s(100)), "100 s less 7 s");
    assertEquals(s(30), Budget.share(Budget.Part.STICKY, s(30)), "the last part gets all that is left");
    // little left: the weight's share, so a later part is not squeezed to nothing by an earlier one
    assertEquals(s(3), Budget.share(Budget.Part.HANDSHAKE, s(10)), "3 of 3+2+2+3");
    assertEquals(s(1), Budget.share(Budget.Part.PROBE, s(11)), "1 of 1+3+2+2+3");
    assertEquals(Duration.ZERO, Budget.share(Budget.Part.SPREAD, s(-1)));
  }
}
