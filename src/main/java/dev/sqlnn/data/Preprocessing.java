package dev.sqlnn.data;

/**
 * What turns a row's raw features into the network's input: {@code x'[i] = (x[i] - shift[i]) * factor[i]}.
 * Fitted on the training rows, stored with the model and applied unchanged at prediction.
 */
public final class Preprocessing implements java.io.Serializable {

    private final FeatureKind kind;
    private final Scaling scaling;
    private final float[] shift;
    private final float[] factor;

    public Preprocessing(FeatureKind kind, Scaling scaling, float[] shift, float[] factor) {
        if (shift.length != factor.length || shift.length == 0) {
            throw new IllegalArgumentException("preprocessing needs one shift and one factor per feature; got "
                    + shift.length + " shifts and " + factor.length + " factors");
        }
        if (scaling == Scaling.AUTO) {
            throw new IllegalArgumentException("AUTO must be resolved to a concrete scaling before it is stored");
        }
        this.kind = kind;
        this.scaling = scaling;
        this.shift = shift;
        this.factor = factor;
    }

    /** Bytes divided by 255: the usual preprocessing of images. */
    public static Preprocessing bytes(int width) {
        float[] shift = new float[width];
        float[] factor = new float[width];
        java.util.Arrays.fill(factor, 1f / 255f);
        return new Preprocessing(FeatureKind.BYTES, Scaling.BYTES, shift, factor);
    }

    /** Features passed through unchanged. */
    public static Preprocessing identity(FeatureKind kind, int width) {
        float[] factor = new float[width];
        java.util.Arrays.fill(factor, 1f);
        return new Preprocessing(kind, Scaling.NONE, new float[width], factor);
    }

    public FeatureKind kind() {
        return kind;
    }

    public Scaling scaling() {
        return scaling;
    }

    public int width() {
        return shift.length;
    }

    /** Live arrays, for the codec; do not modify. */
    public float[] shift() {
        return shift;
    }

    public float[] factor() {
        return factor;
    }

    /** Feature {@code i}'s raw value {@code x}, scaled: the formula above, in float arithmetic like the others. */
    public float apply(int i, float x) {
        return (x - shift[i]) * factor[i];
    }

    /** Scales unsigned bytes {@code raw[rawOff..rawOff+width)} into {@code out[outOff..)}. */
    public void apply(byte[] raw, int rawOff, float[] out, int outOff) {
        for (int i = 0; i < shift.length; i++) {
            out[outOff + i] = ((raw[rawOff + i] & 0xFF) - shift[i]) * factor[i];
        }
    }

    /** Scales numbers {@code raw[rawOff..rawOff+width)} into {@code out[outOff..)}. */
    public void apply(float[] raw, int rawOff, float[] out, int outOff) {
        for (int i = 0; i < shift.length; i++) {
            out[outOff + i] = apply(i, raw[rawOff + i]);
        }
    }
}
