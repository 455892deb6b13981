package dev.sqlnn.nn;

/**
 * Everything that decides how a network is trained, already validated by the options parser.
 *
 * @param hidden             hidden layer widths (may be empty)
 * @param activation         hidden-layer activation
 * @param loss               {@link Loss#CROSS_ENTROPY} (softmax outputs) or {@link Loss#MSE}
 * @param classification     whether outputs are classes (softmax) or values (identity)
 * @param optimizer          update rule
 * @param learningRate       step size
 * @param momentum           momentum constant for {@code momentum} and {@code nesterov}
 * @param beta1              Adam's first-moment decay
 * @param beta2              Adam's second-moment decay
 * @param epsilon            Adam's denominator guard
 * @param batchSize          rows per mini-batch
 * @param epochs             passes over the training rows (an upper bound with early stopping)
 * @param validationFraction share of rows held out, in [0, 1)
 * @param patience           early-stopping patience in epochs; 0 turns it off
 * @param l2                 weight decay applied to weights (not biases)
 * @param seed               seeds initialisation, the validation split and shuffling
 * @param threads            worker threads for the matrix products
 * @param classWeights       per class, how much a row of that class counts in the loss (see {@link Propagation#loss});
 *                           null: every row counts 1. Classification only; positive and finite
 * @param init               how the first weights are drawn
 * @param regularization     dropout, L1 and gradient clipping ({@link Regularization#NONE} for none)
 * @param schedule           how the learning rate changes from epoch to epoch ({@link LearningRateSchedule#CONSTANT})
 */
public record TrainerConfig(int[] hidden, Activation activation, Loss loss, boolean classification,
                            OptimizerKind optimizer, double learningRate, double momentum,
                            double beta1, double beta2, double epsilon, int batchSize, int epochs,
                            double validationFraction, int patience, double l2, long seed, int threads,
                            float[] classWeights, WeightInit init, Regularization regularization,
                            LearningRateSchedule schedule)
        implements java.io.Serializable {

    public TrainerConfig {
        hidden = hidden.clone();
        if (init == null) throw new IllegalArgumentException("init must be given");
        if (regularization == null || schedule == null) throw new IllegalArgumentException("regularization and schedule must be given");
        if (regularization.dropout().length != 0 && regularization.dropout().length != hidden.length) {
            throw new IllegalArgumentException(regularization.dropout().length + " dropout rates for "
                    + hidden.length + " hidden layers; give one per hidden layer");
        }
        if (classWeights != null) {
            if (!classification) throw new IllegalArgumentException("class weights need a classification task");
            classWeights = classWeights.clone();
            for (float w : classWeights) {
                if (!(w > 0 && Float.isFinite(w))) {
                    throw new IllegalArgumentException("class weights must be positive and finite; got " + w);
                }
            }
        }
        if (patience > 0 && validationFraction <= 0) {
            throw new IllegalArgumentException("early_stopping needs validation rows: set validation_fraction above 0 "
                    + "(got " + validationFraction + ") or early_stopping to 0");
        }
        if (!classification && loss == Loss.CROSS_ENTROPY) {
            throw new IllegalArgumentException("cross_entropy needs a classification task; use loss mse for regression");
        }
    }

    /** Without regularization, at a constant learning rate. */
    public TrainerConfig(int[] hidden, Activation activation, Loss loss, boolean classification,
                         OptimizerKind optimizer, double learningRate, double momentum,
                         double beta1, double beta2, double epsilon, int batchSize, int epochs,
                         double validationFraction, int patience, double l2, long seed, int threads,
                         float[] classWeights, WeightInit init) {
        this(hidden, activation, loss, classification, optimizer, learningRate, momentum, beta1, beta2, epsilon,
                batchSize, epochs, validationFraction, patience, l2, seed, threads, classWeights, init,
                Regularization.NONE, LearningRateSchedule.CONSTANT);
    }

    /** A copy: records hand out their fields, and an array would let callers change the config. */
    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** A copy, or null, as for {@link #hidden()}. */
    @Override
    public float[] classWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    /** Layer widths from input to output. */
    public int[] layerSizes(int inputWidth, int outputWidth) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = inputWidth;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = outputWidth;
        return sizes;
    }
}
