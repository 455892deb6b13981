package dev.sqlnn.model;

import dev.sqlnn.data.Task;
import dev.sqlnn.data.EncodingOptions;
import dev.sqlnn.data.FeatureEncoding;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.Imputation;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Scaling;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.Network;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;

/**
 * sqlnn's binary model format: what the {@code WEIGHTS} column of {@code SQLNN.MODELS} holds.
 * Never Java serialization: the format is small, documented here and readable from any language.
 *
 * <p>Version 2, every number little-endian (version 1 is the same without the encoding):
 * <pre>
 * magic          8 bytes   "SQLNNMDL" (ASCII)
 * version        u16       2
 * task           u8        {@link Task#code}
 * label kind     u8        {@link LabelKind#code}
 * hidden         u8        {@link Activation#code} of the hidden layers
 * output         u8        {@link Activation#code} of the output layer
 * size count     u16       L + 1: the input width and the width of each of the L layers
 * sizes          i32 × (L + 1)
 * feature kind   u8        {@link FeatureKind#code}
 * scaling        u8        {@link Scaling#code}
 * target shift   f64
 * target scale   f64
 * class count    i32
 * classes        class count × (i32 byte length, UTF-8 bytes)
 * feature count  i32       1 (one ARRAY or VARBINARY column) or the plain columns' count (sizes[0] in version 1)
 * feature names  feature count × (i32 byte length, UTF-8 bytes): the training query's column labels
 * encoded        u8        version 2: 1 when an encoding of the plain columns follows, else 0 (any other value is damage)
 * encoding       for each feature column: kind u8 (0 number, 1 category), {@link Imputation#code} u8,
 *                fill f32 (a number's stand-in for NULL), category count i32, categories × (i32 byte
 *                length, UTF-8 bytes); its inputs (1 per number, categories + 2 per category) sum to sizes[0]
 * shift, factor  f32 × sizes[0] each: the preprocessing
 * layers         for each layer l: weights f32 × sizes[l]·sizes[l+1], then biases f32 × sizes[l+1]
 * checksum       u32       CRC-32C of every byte before it
 * </pre>
 *
 * <p>Blobs come from a database column that anyone with write access can change, so the decoder
 * trusts nothing: it checks the envelope (length, magic, version, checksum) first, then every
 * count against hard limits and against the bytes actually left, before it allocates anything
 * sized by the header. A bad blob is a {@link DamagedModelException}, never an out-of-memory
 * error, a hang or an index exception; that holds even when a hostile writer fixed up the checksum.
 */
public final class ModelCodec {

    private static final int VERSION = 2;
    /** The first version, without an encoding: its plain columns are one number each. */
    private static final int VERSION_WITHOUT_ENCODING = 1;
    private static final byte[] MAGIC = "SQLNNMDL".getBytes(StandardCharsets.US_ASCII);
    private static final int PREAMBLE_BYTES = MAGIC.length + Short.BYTES;
    private static final int CHECKSUM_BYTES = Integer.BYTES;

    // Hard limits, enforced by the encoder too, so that every blob encode writes, decode reads.
    static final int MAX_LAYERS = 64;
    static final int MAX_WIDTH = 1 << 24;
    static final int MAX_CLASSES = 1 << 20;
    static final int MAX_CLASS_NAME_BYTES = 1 << 16;
    static final int MAX_FEATURE_NAME_BYTES = 1 << 16;
    /** The largest byte array a JVM reliably allocates. */
    private static final int MAX_BLOB_BYTES = Integer.MAX_VALUE - 8;

    private ModelCodec() {
    }

    /** The format version that {@link #encode} writes; {@link #decode} reads it and every earlier one. */
    public static int formatVersion() {
        return VERSION;
    }

    /**
     * Writes {@code model} in the current format version.
     *
     * @throws IllegalArgumentException if the model exceeds the format's limits (e.g. more than
     *                                  64 layers, or a blob beyond 2 GB)
     */
    public static byte[] encode(Model model) {
        Network net = model.network();
        int[] sizes = net.sizes();
        checkEncodable(model, sizes);
        byte[][] classNames = utf8(model.classes(), "class", MAX_CLASS_NAME_BYTES);
        byte[][] featureNames = utf8(model.featureNames(), "feature name", MAX_FEATURE_NAME_BYTES);
        FeatureEncoding encoding = model.encoding();
        List<byte[][]> categories = new ArrayList<>();
        long length = fixedHeaderBytes(sizes.length) + parameterBytes(sizes) + CHECKSUM_BYTES + 1;
        if (encoding != null) {
            for (FeatureEncoding.Column c : encoding.columns()) {
                byte[][] names = utf8(c.categories(), "category of " + c.name(), MAX_CLASS_NAME_BYTES);
                categories.add(names);
                length += 2 + Float.BYTES + Integer.BYTES;
                for (byte[] name : names) length += Integer.BYTES + name.length;
            }
        }
        for (byte[] name : classNames) {
            length += Integer.BYTES + name.length;
        }
        for (byte[] name : featureNames) {
            length += Integer.BYTES + name.length;
        }
        if (length > MAX_BLOB_BYTES) {
            throw new IllegalArgumentException("cannot encode model " + net.describeLayers() + ": it needs "
                    + length + " bytes; a model blob holds at most " + MAX_BLOB_BYTES);
        }

        ByteBuffer out = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putShort((short) VERSION);
        out.put((byte) model.task().code).put((byte) model.labelKind().code);
        out.put((byte) net.hiddenActivation().code).put((byte) net.outputActivation().code);
        out.putShort((short) sizes.length);
        for (int size : sizes) {
            out.putInt(size);
        }
        Preprocessing pre = model.preprocessing();
        out.put((byte) pre.kind().code).put((byte) pre.scaling().code);
        out.putDouble(model.targetShift()).putDouble(model.targetScale());
        putNames(out, classNames);
        putNames(out, featureNames);
        out.put((byte) (encoding == null ? 0 : 1));
        if (encoding != null) {
            for (int i = 0; i < categories.size(); i++) {
                FeatureEncoding.Column c = encoding.column(i);
                out.put((byte) kindCode(c.kind())).put((byte) c.impute().code).putFloat(c.fill());
                putNames(out, categories.get(i));
            }
        }
        putFloats(out, pre.shift());
        putFloats(out, pre.factor());
        for (int l = 0; l < net.layerCount(); l++) {
            putFloats(out, net.weights(l));
            putFloats(out, net.biases(l));
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /** Checks the limits that decode enforces on the shape and the classes. */
    private static void checkEncodable(Model model, int[] sizes) {
        String problem = shapeProblem(sizes);
        if (problem == null) problem = classesProblem(model.labelKind(), model.classes());
        if (problem == null && model.encoding() == null) problem = featureCountProblem(model.featureNames().size(), sizes[0]);
        if (problem == null && model.encoding() != null) {
            for (FeatureEncoding.Column c : model.encoding().columns()) {
                if (c.categories().size() > EncodingOptions.MAX_CATEGORIES) {
                    problem = c.categories().size() + " categories for feature " + quote(c.name()) + "; at most "
                            + EncodingOptions.MAX_CATEGORIES + " are allowed";
                    break;
                }
            }
        }
        if (problem != null) throw new IllegalArgumentException("cannot encode the model: it has " + problem);
    }

    /** The names as UTF-8, each checked to round-trip and to fit the limit. */
    private static byte[][] utf8(List<String> names, String what, int maxBytes) {
        byte[][] bytes = new byte[names.size()][];
        for (int i = 0; i < bytes.length; i++) {
            String name = names.get(i);
            bytes[i] = name.getBytes(StandardCharsets.UTF_8);
            // getBytes replaces unpaired surrogates with '?': refuse rather than store another name.
            if (!new String(bytes[i], StandardCharsets.UTF_8).equals(name)) {
                throw new IllegalArgumentException("cannot encode " + what + " " + quote(name) + ": it is not valid Unicode");
            }
            if (bytes[i].length > maxBytes) {
                throw new IllegalArgumentException("cannot encode " + what + " " + quote(name) + ": it takes "
                        + bytes[i].length + " bytes of UTF-8; at most " + maxBytes + " are allowed");
            }
        }
        return bytes;
    }

    private static void putNames(ByteBuffer out, byte[][] names) {
        out.putInt(names.length);
        for (byte[] name : names) {
            out.putInt(name.length).put(name);
        }
    }

    private static void putFloats(ByteBuffer out, float[] values) {
        // A bulk copy through a float view; on little-endian hardware this is a plain memory copy.
        out.asFloatBuffer().put(values);
        out.position(out.position() + values.length * Float.BYTES);
    }

    /**
     * Reads a model blob written by any format version this build knows.
     *
     * @throws DamagedModelException if the blob is truncated, corrupted, from a newer sqlnn, or
     *                               describes a model that cannot exist
     */
    public static Model decode(byte[] blob) {
        Objects.requireNonNull(blob, "blob");
        int version = checkEnvelope(blob);
        BlobReader in = new BlobReader(blob, PREAMBLE_BYTES, blob.length - CHECKSUM_BYTES);
        Task task = enumValue(in.u8("task code"), Task::fromCode, "task");
        LabelKind labelKind = enumValue(in.u8("label kind code"), LabelKind::fromCode, "label kind");
        Activation hidden = enumValue(in.u8("hidden activation code"), Activation::fromCode, "hidden activation");
        Activation output = enumValue(in.u8("output activation code"), Activation::fromCode, "output activation");
        int[] sizes = readSizes(in);
        FeatureKind featureKind = enumValue(in.u8("feature kind code"), FeatureKind::fromCode, "feature kind");
        Scaling scaling = enumValue(in.u8("scaling code"), Scaling::fromCode, "scaling");
        double targetShift = in.f64("target shift");
        double targetScale = in.f64("target scale");

        // The sizes alone fix how many parameter bytes follow the classes: check them against the
        // blob now, so that a header with lying sizes fails here rather than after an allocation.
        long parameterBytes = parameterBytes(sizes);
        if (2 * Integer.BYTES + parameterBytes > in.remaining()) {
            throw new DamagedModelException("model blob is " + blob.length + " bytes; its layer sizes "
                    + describe(sizes) + " alone need at least " + (in.position() + 2 * Integer.BYTES + parameterBytes
                    + CHECKSUM_BYTES));
        }
        // The feature names' count follows the classes: keep room for it.
        List<String> classes = readClasses(in, parameterBytes + Integer.BYTES);
        FeatureEncoding encoding = null;
        List<String> featureNames;
        if (version == VERSION_WITHOUT_ENCODING) {
            featureNames = readFeatureNames(in, sizes[0], false, parameterBytes);
        } else {
            featureNames = readFeatureNames(in, sizes[0], true, parameterBytes + 1);
            int flag = in.u8("encoding flag");
            if (flag > 1) {
                throw new DamagedModelException("model blob has encoding flag " + flag + "; expected 0 (no encoding)"
                        + " or 1 (an encoding of the plain columns follows)");
            }
            if (flag == 1) encoding = readEncoding(in, featureNames, parameterBytes);
            String problem = encoding != null ? encodingProblem(encoding, sizes[0])
                    : featureCountProblem(featureNames.size(), sizes[0]);
            if (problem != null) throw new DamagedModelException("model blob declares " + problem);
        }
        if (in.remaining() != parameterBytes) {
            throw new DamagedModelException("model blob is " + blob.length + " bytes; the header declares "
                    + (in.position() + parameterBytes + CHECKSUM_BYTES));
        }
        String problem = classesProblem(labelKind, classes);
        if (problem != null) throw new DamagedModelException("model blob has " + problem);

        // Every count below is now known to fit in the blob, so no product can overflow an int.
        float[] shift = in.floats(sizes[0], "feature shifts");
        float[] factor = in.floats(sizes[0], "feature factors");
        int layers = sizes.length - 1;
        float[][] weights = new float[layers][];
        float[][] biases = new float[layers][];
        for (int l = 0; l < layers; l++) {
            weights[l] = in.floats(sizes[l] * sizes[l + 1], "weights");
            biases[l] = in.floats(sizes[l + 1], "biases");
        }
        try {
            Preprocessing pre = new Preprocessing(featureKind, scaling, shift, factor);
            Network net = new Network(sizes, hidden, output, weights, biases);
            return new Model(task, labelKind, classes, featureNames, encoding, pre, net, targetShift, targetScale);
        } catch (IllegalArgumentException e) {
            throw new DamagedModelException("model blob describes a model that cannot exist: " + e.getMessage(), e);
        }
    }

    /**
     * Length, magic, version and checksum: everything that does not depend on the version's layout is
     * checked first. Returns the version.
     */
    private static int checkEnvelope(byte[] blob) {
        int minimum = PREAMBLE_BYTES + CHECKSUM_BYTES;
        if (blob.length < minimum) {
            throw new DamagedModelException("model blob is " + blob.length + " bytes; even an empty one has "
                    + minimum + " (magic, version and checksum)");
        }
        if (!Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new DamagedModelException("not an sqlnn model: the blob starts with bytes "
                    + hex(blob, 0, MAGIC.length) + "; expected the magic \"SQLNNMDL\"");
        }
        ByteBuffer le = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        int version = Short.toUnsignedInt(le.getShort(MAGIC.length));
        if (version < VERSION_WITHOUT_ENCODING || version > VERSION) {
            throw new DamagedModelException("model blob has format version " + version
                    + "; this build of sqlnn reads versions " + VERSION_WITHOUT_ENCODING + " to " + VERSION
                    + (version > VERSION ? " (was it written by a newer sqlnn?)" : ""));
        }
        int checksumAt = blob.length - CHECKSUM_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(blob, 0, checksumAt);
        long stored = Integer.toUnsignedLong(le.getInt(checksumAt));
        if (stored != crc.getValue()) {
            throw new DamagedModelException(String.format(
                    "model blob of %d bytes is damaged: its checksum is %08x but its contents give %08x",
                    blob.length, stored, crc.getValue()));
        }
        return version;
    }

    private static int[] readSizes(BlobReader in) {
        int count = in.u16("layer count");
        String problem = sizeCountProblem(count);
        if (problem != null) throw new DamagedModelException("model blob declares " + problem);
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            sizes[i] = in.i32("layer sizes");
        }
        problem = shapeProblem(sizes);
        if (problem != null) throw new DamagedModelException("model blob declares " + problem);
        return sizes;
    }

    /** Reads the class names, leaving {@code reserved} bytes unread for what follows them. */
    private static List<String> readClasses(BlobReader in, long reserved) {
        int count = in.i32("class count");
        if (count < 0 || count > MAX_CLASSES) {
            throw new DamagedModelException("model blob declares " + count + " classes; expected 0 to " + MAX_CLASSES);
        }
        return readNames(in, count, reserved, "class", MAX_CLASS_NAME_BYTES);
    }

    /**
     * Reads the feature names, leaving {@code reserved} bytes unread for what follows. Their count must
     * be 1 or {@code inputWidth}; when an encoding may follow (version 2), anything from 1 to
     * {@code inputWidth}, as every plain column takes at least one input (what the encoding flag says
     * is checked once it is read).
     */
    private static List<String> readFeatureNames(BlobReader in, int inputWidth, boolean encodable, long reserved) {
        int count = in.i32("feature name count");
        String problem = encodable ? encodedFeatureCountProblem(count, inputWidth) : featureCountProblem(count, inputWidth);
        if (problem != null) throw new DamagedModelException("model blob declares " + problem);
        return readNames(in, count, reserved, "feature", MAX_FEATURE_NAME_BYTES);
    }

    /** Reads one entry per feature column, leaving {@code parameterBytes} unread. */
    private static FeatureEncoding readEncoding(BlobReader in, List<String> names, long parameterBytes) {
        List<FeatureEncoding.Column> columns = new ArrayList<>(names.size());
        for (String name : names) {
            // Constant labels: building one per column would cost as much as the names themselves.
            int code = in.u8("encoding kind");
            FeatureEncoding.Kind kind = kindOf(code);
            if (kind == null) {
                throw new DamagedModelException("model blob has encoding kind " + code + " for feature " + quote(name)
                        + ", which this build of sqlnn does not know");
            }
            Imputation impute = enumValue(in.u8("imputation code"), Imputation::fromCode, "imputation");
            float fill = Float.intBitsToFloat(in.i32("encoding fill"));
            int count = in.i32("category count");
            if (count < 0 || count > EncodingOptions.MAX_CATEGORIES) {
                throw new DamagedModelException("model blob declares " + count + " categories for feature " + quote(name)
                        + "; expected 0 to " + EncodingOptions.MAX_CATEGORIES);
            }
            List<String> categories = readNames(in, count, parameterBytes, "category", MAX_CLASS_NAME_BYTES);
            try {
                columns.add(new FeatureEncoding.Column(name, kind, impute, fill, categories));
            } catch (IllegalArgumentException e) {
                throw new DamagedModelException("model blob has an encoding of feature " + quote(name)
                        + " that cannot exist: " + e.getMessage(), e);
            }
        }
        try {
            return new FeatureEncoding(columns);
        } catch (IllegalArgumentException e) {
            throw new DamagedModelException("model blob has an encoding that cannot exist: " + e.getMessage(), e);
        }
    }

    /** The format's code of an encoding kind: 0 number, 1 category (never the enum's ordinal, which may move). */
    private static int kindCode(FeatureEncoding.Kind kind) {
        return switch (kind) {
            case NUMBER -> 0;
            case CATEGORY -> 1;
        };
    }

    /** The encoding kind of a format code, or null for a code this build does not know. */
    private static FeatureEncoding.Kind kindOf(int code) {
        return switch (code) {
            case 0 -> FeatureEncoding.Kind.NUMBER;
            case 1 -> FeatureEncoding.Kind.CATEGORY;
            default -> null;
        };
    }

    /** Null when the encoding's inputs are the network's. */
    private static String encodingProblem(FeatureEncoding encoding, int inputWidth) {
        if (encoding.width() == inputWidth) return null;
        return "an encoding of " + encoding.width() + " inputs for a network of " + inputWidth;
    }

    /**
     * Reads {@code count} length-prefixed UTF-8 names of a {@code what} (class or feature), checking
     * the count and each length against the bytes left before the {@code reserved} ones, so that
     * nothing is allocated for a lying count.
     */
    private static List<String> readNames(BlobReader in, int count, long reserved, String what, int maxBytes) {
        long room = in.remaining() - reserved;
        if ((long) count * Integer.BYTES > room) {
            throw new DamagedModelException("model blob declares " + count + " " + what + " names but has only "
                    + Math.max(0, room) + " bytes for them");
        }
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.i32(what + " name length");
            room = in.remaining() - reserved;
            if (length < 0 || length > maxBytes || length > room) {
                throw new DamagedModelException("model blob declares a name of " + length + " bytes for " + what + " " + i
                        + "; expected 0 to " + Math.min(maxBytes, Math.max(0, room)));
            }
            names.add(in.utf8(length, what + " " + i + "'s name"));
        }
        return names;
    }

    /** Null when a model of this input width may have {@code count} feature names if it has an encoding. */
    private static String encodedFeatureCountProblem(int count, int inputWidth) {
        if (count >= 1 && count <= inputWidth) return null;
        return count + " feature names for " + inputWidth + " features; expected 1 to " + inputWidth
                + " (an ARRAY or VARBINARY column, or plain columns of at least one input each)";
    }

    /** Null when a model of this input width may have {@code count} feature names if it has no encoding. */
    private static String featureCountProblem(int count, int inputWidth) {
        if (count == 1 || count == inputWidth) return null;
        return count + " feature names for " + inputWidth + " features; expected 1 (an ARRAY or VARBINARY column)"
                + (inputWidth == 1 ? "" : " or " + inputWidth + " (one per column)");
    }

    private static <T> T enumValue(int code, IntFunction<T> fromCode, String what) {
        try {
            return fromCode.apply(code);
        } catch (IllegalArgumentException e) {
            throw new DamagedModelException("model blob has " + what + " code " + code
                    + ", which this build of sqlnn does not know", e);
        }
    }

    private static String sizeCountProblem(int count) {
        if (count >= 2 && count <= MAX_LAYERS + 1) return null;
        return count + " layer sizes; expected 2 to " + (MAX_LAYERS + 1) + " (the input width and 1 to "
                + MAX_LAYERS + " layers)";
    }

    /** What makes these layer sizes unfit for the format, or null. */
    private static String shapeProblem(int[] sizes) {
        String problem = sizeCountProblem(sizes.length);
        if (problem != null) return problem;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1 || sizes[i] > MAX_WIDTH) {
                return "width " + sizes[i] + " for layer " + i + "; expected 1 to " + MAX_WIDTH;
            }
        }
        return null;
    }

    /** What makes these classes unfit for a model with that label kind, or null. */
    private static String classesProblem(LabelKind labelKind, List<String> classes) {
        if (classes.size() > MAX_CLASSES) {
            return classes.size() + " classes; at most " + MAX_CLASSES + " are allowed";
        }
        Set<String> seen = new HashSet<>();
        for (String name : classes) {
            if (!seen.add(name)) return "class " + quote(name) + " twice";
            if (labelKind == LabelKind.INTEGER && !isDecimalInteger(name)) {
                return "integer labels, but class " + quote(name) + " is not a decimal integer";
            }
        }
        return null;
    }

    private static boolean isDecimalInteger(String text) {
        try {
            Long.parseLong(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The header bytes that do not depend on the names: magic through the class count, and the feature count. */
    private static long fixedHeaderBytes(int sizeCount) {
        return PREAMBLE_BYTES + 4 + Short.BYTES + (long) Integer.BYTES * sizeCount + 2 + 2 * Double.BYTES
                + 2 * Integer.BYTES;
    }

    /** Bytes of the preprocessing and the layers' parameters; no overflow, as every width is at most 2^24. */
    private static long parameterBytes(int[] sizes) {
        long floats = 2L * sizes[0];
        for (int l = 0; l + 1 < sizes.length; l++) {
            floats += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        return floats * Float.BYTES;
    }

    private static String describe(int[] sizes) {
        StringBuilder sb = new StringBuilder();
        for (int size : sizes) {
            if (sb.length() > 0) sb.append('-');
            sb.append(size);
        }
        return sb.toString();
    }

    private static String quote(String text) {
        if (text.length() <= 40) return "'" + text + "'";
        int cut = Character.isHighSurrogate(text.charAt(39)) ? 39 : 40;
        return "'" + text.substring(0, cut) + "…'";
    }

    private static String hex(byte[] bytes, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return sb.toString();
    }
}
