package dev.sqlnn.nn;

/**
 * What a training adds to plain gradient descent to keep a network from fitting noise or from taking
 * wild steps; none of it is kept with the network. Validated by the options; here only what the
 * arithmetic needs.
 *
 * @param dropout      per hidden layer, the share of its units dropped in each training step (inverted
 *                     dropout: the kept ones are scaled by 1/(1−p), so that nothing changes at prediction);
 *                     empty for none
 * @param l1           L1 penalty on the weights (not the biases): its subgradient {@code l1·sign(w)} is added
 *                     to each weight's gradient before clipping
 * @param gradientClip largest L2 norm of one step's whole gradient (weights and biases of every layer, L1
 *                     included, L2 weight decay not); 0 for no clipping
 */
public record Regularization(float[] dropout, double l1, double gradientClip) implements java.io.Serializable {

    public static final Regularization NONE = new Regularization(new float[0], 0, 0);

    public Regularization {
        dropout = dropout.clone();
        for (float p : dropout) {
            if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout rates are in [0, 1); got " + p);
        }
        if (!(l1 >= 0) || !(gradientClip >= 0)) {
            throw new IllegalArgumentException("l1 and gradient_clip are 0 or more; got " + l1 + " and " + gradientClip);
        }
    }

    @Override
    public float[] dropout() {
        return dropout.clone();
    }

    /** Whether any hidden layer drops units. */
    public boolean dropsUnits() {
        for (float p : dropout) {
            if (p > 0) return true;
        }
        return false;
    }

    /** The dropout rate of hidden layer {@code layer} (0-based), 0 when none is set. */
    float dropout(int layer) {
        return layer < dropout.length ? dropout[layer] : 0f;
    }
}
