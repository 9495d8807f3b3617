package dev.normlab.worker.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeldOutSplitTest {

    @Test
    void choosesAboutTheFractionTheSameWayEveryTime() {
        List<String> documents = Documents.generate(20_000, 42);
        HeldOutSplit split = new HeldOutSplit(0.01);
        HeldOutSplit again = new HeldOutSplit(0.01);
        long heldOut = documents.stream().filter(split::isHeldOut).count();
        // binomial(20000, 0.01): mean 200, sd ~14
        assertThat(heldOut).isBetween(150L, 250L);
        assertThat(documents).allMatch(d -> split.isHeldOut(d) == again.isHeldOut(d));
        long tenth = documents.stream().filter(new HeldOutSplit(0.1)::isHeldOut).count();
        assertThat(tenth).isBetween(1_850L, 2_150L);
        // a larger fraction keeps every document the smaller one held out (same hash, higher threshold)
        assertThat(documents.stream().filter(split::isHeldOut)).allMatch(new HeldOutSplit(0.1)::isHeldOut);
    }

    @Test
    void fractionOutsideTheUnitIntervalIsRejected() {
        assertThatThrownBy(() -> new HeldOutSplit(1.0)).hasMessageStartingWith("data.heldOutFraction: ");
        assertThatThrownBy(() -> new HeldOutSplit(-0.1)).hasMessageStartingWith("data.heldOutFraction: ");
        assertThatThrownBy(() -> new HeldOutSplit(Double.NaN)).hasMessageStartingWith("data.heldOutFraction: ");
    }
}
