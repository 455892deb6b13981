package dev.sqlnn.cli;

import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.TrainingListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a training as it runs. On a terminal, a bar redrawn in place with {@code \r}: epoch, batch,
 * loss, rows/s and the time left; elsewhere (a file, a pipe, CI logs) one plain line per epoch,
 * which the terminal also keeps above its bar.
 *
 * <p>Registered JVM-wide through {@code TrainingProgress}, it hears every training in this JVM, so it
 * listens only to the thread that runs the command's own {@code ML_TRAIN}: an embedded database
 * trains in the calling thread.
 */
final class ProgressBar implements TrainingListener {

    private static final int BAR_WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private final int epochs;
    private final int batchSize;
    private final Thread owner = Thread.currentThread();
    private long epochStart = System.nanoTime();
    private long lastDraw;
    private int drawnWidth;
    private int currentEpoch;

    /**
     * @param live      redraw a bar in place (a terminal) rather than print only per-epoch lines
     * @param epochs    the epochs the training will run at most; 0 when it stops by itself (no {@code epochs} option)
     * @param batchSize rows per mini-batch, for rows/s
     */
    ProgressBar(PrintWriter out, boolean live, int epochs, int batchSize) {
        this.out = out;
        this.live = live;
        this.epochs = Math.max(0, epochs);
        this.batchSize = batchSize;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double batchLoss) {
        if (Thread.currentThread() != owner || !live) return;
        long now = System.nanoTime();
        if (epoch != currentEpoch) {
            currentEpoch = epoch;
            epochStart = now;
        }
        if (now - lastDraw < REDRAW_NANOS && batch < batches) return;
        lastDraw = now;
        draw(barLine(epoch, batch, batches, batchLoss, now));
    }

    @Override
    public void onEpoch(EpochStats stats) {
        if (Thread.currentThread() != owner) return;
        epochDone(stats);
    }

    /** Prints an epoch's line; also for epochs learnt of otherwise, e.g. from the log of a remote database. */
    void epochDone(EpochStats s) {
        clear();
        out.println(epochLine(s, epochs));
        out.flush();
        currentEpoch = 0;
    }

    /** Takes the bar off the screen, e.g. before the final table. */
    void finish() {
        clear();
        out.flush();
    }

    static String epochLine(EpochStats s, int epochs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %s  train loss %.4f",
                ofEpochs(s.epoch(), epochs), s.trainLoss()));
        if (!Double.isNaN(s.validationLoss())) sb.append(String.format(Locale.ROOT, "  val loss %.4f", s.validationLoss()));
        if (!Double.isNaN(s.validationMetric())) sb.append(String.format(Locale.ROOT, "  val metric %.4f", s.validationMetric()));
        sb.append(String.format(Locale.ROOT, "  %,.0f rows/s  %.1f s", s.rowsPerSecond(), s.seconds()));
        return sb.toString();
    }

    String barLine(int epoch, int batch, int batches, double loss, long now) {
        double epochFraction = (double) batch / batches;
        int filled = (int) Math.round(epochFraction * BAR_WIDTH);
        String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled == BAR_WIDTH ? "=" : ">") : "")
                + " ".repeat(BAR_WIDTH - filled);
        double epochSeconds = (now - epochStart) / 1e9;
        double rowsPerSecond = epochSeconds > 0 ? batch * (double) batchSize / epochSeconds : 0;
        // The time left at this epoch's pace: the first epoch's includes the JIT's warm-up, later ones do not.
        // A training that stops by itself has only this epoch's to tell.
        long remainingBatches = (batches - batch) + (long) Math.max(0, epochs - epoch) * batches;
        String left = batch > 0 && epochSeconds > 0 ? duration(remainingBatches * epochSeconds / batch) : "?";
        return String.format(Locale.ROOT, "epoch %s [%s] %" + digits(batches) + "d/%d  loss %.4f  %,.0f rows/s  %s left%s",
                ofEpochs(epoch, epochs), bar, batch, batches, loss, rowsPerSecond, left, epochs == 0 ? " in this epoch" : "");
    }

    /** {@code 0:42}, {@code 12:05}, {@code 1:02:03}. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s >= 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private void draw(String line) {
        int pad = Math.max(0, drawnWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        drawnWidth = line.length();
    }

    private void clear() {
        if (live && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            drawnWidth = 0;
        }
    }

    /** {@code 3/10}, or {@code 3} when the training stops by itself. */
    private static String ofEpochs(int epoch, int epochs) {
        if (epochs == 0) return Integer.toString(epoch);
        return String.format(Locale.ROOT, "%" + digits(epochs) + "d/%d", epoch, epochs);
    }

    private static int digits(int n) {
        return Integer.toString(n).length();
    }
}
