package dev.sqlnn.simd;


/**
 * Picks the kernels once per JVM: the Vector API ones when {@code jdk.incubator.vector} is
 * readable and not disabled with {@code -Dsqlnn.vector=false}, the scalar ones otherwise.
 *
 * <p>{@code VectorKernels} is loaded by name, so no other class links against Vector API types and
 * a JVM without the module never tries to load them.
 */
public final class KernelProvider {

    /** System property that turns the Vector API off ({@code -Dsqlnn.vector=false}). */
    public static final String VECTOR_PROPERTY = "sqlnn.vector";


    private KernelProvider() {
    }

    /** What was chosen, and why: for the engine to log once (this package logs nothing itself). */
    public record Choice(Kernels kernels, String why, boolean fallback) {
    }

    /** The kernels chosen for this JVM. */
    public static Kernels kernels() {
        return Holder.CHOICE.kernels();
    }

    /** The choice with its reason; {@code fallback} when the Vector API was wanted but could not be had. */
    public static Choice choice() {
        return Holder.CHOICE;
    }

    /** The scalar reference kernels, whatever was chosen; for tests and comparisons. */
    public static Kernels scalar() {
        return Holder.SCALAR;
    }

    /** The Vector API kernels, or null when the module is not readable; for tests and benchmarks. */
    public static Kernels vectorOrNull() {
        return vectorModulePresent() ? loadVectorKernels() : null;
    }

    /** The Vector API FMA peak meter, or null without the module; for benchmarks. */
    public static PeakMeter peakMeterOrNull() {
        if (!vectorModulePresent()) return null;
        try {
            return (PeakMeter) Class.forName("dev.sqlnn.simd.FmaPeak").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static Kernels loadVectorKernels() {
        try {
            return (Kernels) Class.forName("dev.sqlnn.simd.VectorKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load the Vector API kernels", e);
        }
    }

    private static Choice choose() {
        if (!Boolean.parseBoolean(System.getProperty(VECTOR_PROPERTY, "true"))) {
            return new Choice(Holder.SCALAR, "Vector API disabled by -D" + VECTOR_PROPERTY + "=false; using scalar kernels", false);
        }
        if (!vectorModulePresent()) {
            return new Choice(Holder.SCALAR, "jdk.incubator.vector is not readable; using scalar kernels."
                    + " Start the JVM with --add-modules jdk.incubator.vector for SIMD speed", true);
        }
        try {
            Kernels k = loadVectorKernels();
            return new Choice(k, "using " + k.description() + " kernels", false);
        } catch (IllegalStateException e) {
            return new Choice(Holder.SCALAR, "Vector API kernels failed to load (" + e.getCause() + "); using scalar kernels", true);
        }
    }

    /** Lazy, thread-safe singletons (initialised on first use of the holder). */
    private static final class Holder {
        static final Kernels SCALAR = new ScalarKernels();
        static final Choice CHOICE = choose();
    }
}
