package dev.sqlnn.simd;

import java.lang.System.Logger.Level;

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

    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());

    private KernelProvider() {
    }

    /** The kernels chosen for this JVM. */
    public static Kernels kernels() {
        return Holder.INSTANCE;
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

    private static Kernels choose() {
        if (!Boolean.parseBoolean(System.getProperty(VECTOR_PROPERTY, "true"))) {
            LOG.log(Level.INFO, "sqlnn: Vector API disabled by -D" + VECTOR_PROPERTY + "=false; using scalar kernels");
            return Holder.SCALAR;
        }
        if (!vectorModulePresent()) {
            LOG.log(Level.WARNING, "sqlnn: jdk.incubator.vector is not readable; using scalar kernels. "
                    + "Start the JVM with --add-modules jdk.incubator.vector for SIMD speed.");
            return Holder.SCALAR;
        }
        try {
            Kernels k = loadVectorKernels();
            LOG.log(Level.INFO, "sqlnn: using " + k.description() + " kernels");
            return k;
        } catch (IllegalStateException e) {
            LOG.log(Level.WARNING, "sqlnn: Vector API kernels failed to load (" + e.getCause()
                    + "); using scalar kernels");
            return Holder.SCALAR;
        }
    }

    /** Lazy, thread-safe singletons (initialised on first use of the holder). */
    private static final class Holder {
        static final Kernels SCALAR = new ScalarKernels();
        static final Kernels INSTANCE = choose();
    }
}
