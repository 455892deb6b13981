package dev.sqlnn.cli;

import dev.sqlnn.nn.EpochStats;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {

    @Test
    void theBarShowsEpochBatchLossRowsPerSecondAndTimeLeft() {
        ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), true, 4, 64);
        long start = System.nanoTime();
        bar.onBatch(2, 1, 100, 0.5); // starts epoch 2's clock
        String line = bar.barLine(2, 50, 100, 0.4321, start + 2_000_000_000L);
        assertTrue(line.startsWith("epoch 2/4 [===========>            ]  50/100  loss 0.4321  "), line);
        assertTrue(line.endsWith(" left"), line);
        assertTrue(line.contains(" rows/s"), line);
    }

    @Test
    void aLiveBarIsRedrawnInPlaceAndClearedForEachEpochLine() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), true, 2, 10);
        bar.onBatch(1, 1, 3, 1.0);
        bar.onBatch(1, 3, 3, 0.9); // the last batch is always drawn
        bar.onEpoch(new EpochStats(1, 0.95, 0.9, 0.5, 0.001, 1.5, 20));
        String out = text.toString();
        assertTrue(out.startsWith("\repoch 1/2 ["), out);
        assertTrue(out.contains("\r" + " ".repeat(10)), "the bar is blanked before the epoch line: " + out);
        assertTrue(out.endsWith("epoch 1/2  train loss 0.9500  val loss 0.9000  val metric 0.5000  20 rows/s  1.5 s"
                + System.lineSeparator()), out);
    }

    @Test
    void withoutATerminalOnlyEpochLinesArePrinted() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), false, 12, 10);
        bar.onBatch(1, 1, 3, 1.0);
        bar.onEpoch(new EpochStats(3, 0.5, Double.NaN, Double.NaN, 0.001, 61, 1234.4));
        assertEquals("epoch  3/12  train loss 0.5000  1,234 rows/s  61.0 s" + System.lineSeparator(), text.toString());
    }

    @Test
    void otherThreadsTrainingsAreNotShown() throws InterruptedException {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), false, 1, 10);
        Thread other = new Thread(() -> bar.onEpoch(new EpochStats(1, 0.5, 0.5, 0.5, 0.001, 1, 1)));
        other.start();
        other.join();
        assertEquals("", text.toString());
    }

    @Test
    void durationsReadAsClockTimes() {
        assertEquals("0:07", ProgressBar.duration(7.4));
        assertEquals("12:05", ProgressBar.duration(725));
        assertEquals("1:02:03", ProgressBar.duration(3723));
    }
}
