package dev.sqlnn.nn;

/**
 * How the learning rate changes from epoch to epoch: an optional linear warm-up, then one of the
 * {@link Kind}s. With base rate η, warm-up of W epochs, and t = epoch − W counted from 0 after the
 * warm-up over T = epochs − W epochs:
 * <ul>
 * <li>warm-up, epoch k = 1..W (1-based): η·k/(W+1), rising towards η;</li>
 * <li>{@link Kind#CONSTANT}: η;</li>
 * <li>{@link Kind#STEP}: η·factor^⌊t/every⌋;</li>
 * <li>{@link Kind#EXPONENTIAL}: η·factor^t;</li>
 * <li>{@link Kind#COSINE}: minimum + (η − minimum)·(1 + cos(π·t/T))/2, from η to just above the minimum;</li>
 * <li>{@link Kind#REDUCE_ON_PLATEAU}: η, multiplied by factor (not below minimum) whenever the held-out
 * loss has not fallen below its best for {@code patience} epochs in a row (epochs of the warm-up do
 * not count).</li>
 * </ul>
 * Validated by the options; here only what the arithmetic needs.
 *
 * @param every        for STEP, epochs between two reductions
 * @param factor       for STEP, EXPONENTIAL and REDUCE_ON_PLATEAU, what a reduction multiplies by
 * @param minimum      for COSINE and REDUCE_ON_PLATEAU, the lowest rate
 * @param patience     for REDUCE_ON_PLATEAU, epochs without improvement before a reduction
 * @param warmupEpochs epochs of linear warm-up before the schedule starts; 0 for none
 */
public record LearningRateSchedule(Kind kind, int every, double factor, double minimum, int patience,
                                   int warmupEpochs) implements java.io.Serializable {

    public enum Kind { CONSTANT, STEP, EXPONENTIAL, COSINE, REDUCE_ON_PLATEAU }

    /** The rate never changes: training as it was before schedules existed. */
    public static final LearningRateSchedule CONSTANT = new LearningRateSchedule(Kind.CONSTANT, 0, 1, 0, 0, 0);

    public LearningRateSchedule {
        if (kind == null) throw new IllegalArgumentException("a schedule needs a kind");
        if (warmupEpochs < 0) throw new IllegalArgumentException("warm-up epochs must be 0 or more; got " + warmupEpochs);
    }

    public LearningRateSchedule withWarmup(int epochs) {
        return new LearningRateSchedule(kind, every, factor, minimum, patience, epochs);
    }

    /** Whether the rate is the base rate in every epoch: then a trainer need not set it. */
    public boolean constant() {
        return kind == Kind.CONSTANT && warmupEpochs == 0;
    }

    /** The rates of one training, epoch by epoch: {@link #rate} before each epoch, {@link #observe} after it. */
    public Run start(double baseRate, int epochs) {
        return new Run(baseRate, epochs);
    }

    /** One training's schedule; for REDUCE_ON_PLATEAU it remembers the held-out losses seen. */
    public final class Run {
        private final double baseRate;
        private final int epochs;
        private double plateauRate;
        private double bestLoss = Double.POSITIVE_INFINITY;
        private int epochsWithoutImprovement;

        private Run(double baseRate, int epochs) {
            this.baseRate = baseRate;
            this.epochs = epochs;
            this.plateauRate = baseRate;
        }

        /** The rate of epoch {@code epoch} (0-based). */
        public double rate(int epoch) {
            if (epoch < warmupEpochs) return baseRate * (epoch + 1) / (warmupEpochs + 1);
            int t = epoch - warmupEpochs;
            return switch (kind) {
                case CONSTANT -> baseRate;
                case STEP -> baseRate * Math.pow(factor, t / every);
                case EXPONENTIAL -> baseRate * Math.pow(factor, t);
                case COSINE -> minimum + (baseRate - minimum) * (1 + Math.cos(Math.PI * t / (epochs - warmupEpochs))) / 2;
                case REDUCE_ON_PLATEAU -> plateauRate;
            };
        }

        /** The held-out loss after epoch {@code epoch} (0-based); NaN when there are no held-out rows. */
        public void observe(int epoch, double validationLoss) {
            if (kind != Kind.REDUCE_ON_PLATEAU || epoch < warmupEpochs || Double.isNaN(validationLoss)) return;
            if (validationLoss < bestLoss) {
                bestLoss = validationLoss;
                epochsWithoutImprovement = 0;
            } else if (++epochsWithoutImprovement >= patience) {
                plateauRate = Math.max(minimum, plateauRate * factor);
                epochsWithoutImprovement = 0;
            }
        }
    }
}
