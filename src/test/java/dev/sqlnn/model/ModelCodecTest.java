package dev.sqlnn.model;

import dev.sqlnn.data.Task;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Scaling;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.Network;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ModelCodecTest {

    /** Offset of the first layer size: magic, version, four codes, size count. */
    private static final int SIZES_OFFSET = 8 + 2 + 4 + 2;

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTripsAClassifierWithIntegerClassesAndByteFeatures() {
        Model model = new Model(Task.CLASSIFICATION, LabelKind.INTEGER, List.of("-3", "0", "7", "12", "100"),
                List.of("IMAGE"), Preprocessing.bytes(20), randomNetwork(new int[] {20, 8, 5}, Activation.RELU, Activation.SOFTMAX, 1),
                0, 1);
        assertSameModel(model, ModelCodec.decode(ModelCodec.encode(model)));
    }

    @Test
    void roundTripsAClassifierWithNonAsciiTextClassesAndNumericFeatures() {
        List<String> classes = List.of("chat", "Möwe", "猫", "🐱 cat face", "", "Ελληνικά");
        List<String> features = List.of("A", "Größe", "x y", "", "\"quoted\"", "日付", "a");
        Model model = new Model(Task.CLASSIFICATION, LabelKind.TEXT, classes, features,
                randomPreprocessing(7, Scaling.STANDARD, 2),
                randomNetwork(new int[] {7, 9, 4, 6}, Activation.TANH, Activation.SOFTMAX, 3), 0, 1);
        Model decoded = ModelCodec.decode(ModelCodec.encode(model));
        assertSameModel(model, decoded);
        assertEquals(classes, decoded.classes());
        assertEquals(features, decoded.featureNames());
    }

    @Test
    void roundTripsARegressionModel() {
        Model model = new Model(Task.REGRESSION, LabelKind.FLOAT, List.of(), List.of("FEATURES"),
                randomPreprocessing(5, Scaling.MINMAX, 4),
                randomNetwork(new int[] {5, 6, 1}, Activation.SIGMOID, Activation.IDENTITY, 5), 123.456789, 7.25e-3);
        assertSameModel(model, ModelCodec.decode(ModelCodec.encode(model)));
    }

    @Test
    void keepsUnusualFloatsBitForBit() {
        Network net = randomNetwork(new int[] {2, 3, 1}, Activation.RELU, Activation.IDENTITY, 6);
        float[] odd = {-0f, Float.intBitsToFloat(0x7fc01234), Float.intBitsToFloat(0xffa00001),
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        System.arraycopy(odd, 0, net.weights(0), 0, odd.length);
        Model model = new Model(Task.REGRESSION, LabelKind.FLOAT, List.of(), List.of("A", "B"),
                Preprocessing.identity(FeatureKind.NUMERIC, 2), net, -0.0, Double.MIN_VALUE);
        assertSameModel(model, ModelCodec.decode(ModelCodec.encode(model)));
    }

    // ---------------------------------------------------------------- golden blob

    /**
     * The model in {@code golden-v1.sqlnnmodel}, written by format version 1 and not to be
     * regenerated once version 1 is released: every later version of sqlnn must still read it as
     * exactly this model. (It was rewritten once before the release, when the feature names joined
     * the header.)
     */
    static Model goldenModel() {
        float[] w0 = new float[12];
        for (int i = 0; i < w0.length; i++) w0[i] = (i - 6) / 8f;
        float[] w1 = new float[8];
        for (int i = 0; i < w1.length; i++) w1[i] = (i % 2 == 0 ? 1 : -1) * (i + 1) / 16f;
        Network net = new Network(new int[] {3, 4, 2}, Activation.TANH, Activation.SOFTMAX,
                new float[][] {w0, w1}, new float[][] {{0.125f, -0.25f, 0.375f, -0.5f}, {1.5f, -1.5f}});
        Preprocessing pre = new Preprocessing(FeatureKind.NUMERIC, Scaling.STANDARD,
                new float[] {0.5f, -1.25f, 2f}, new float[] {2f, 0.5f, 0.25f});
        return new Model(Task.CLASSIFICATION, LabelKind.TEXT, List.of("bird", "Möwe"),
                List.of("wingspan", "beak", "Höhe"), pre, net, 0, 1);
    }

    @Test
    void readsTheGoldenVersion1Blob() throws IOException {
        Model model = ModelCodec.decode(golden());
        assertEquals(Task.CLASSIFICATION, model.task());
        assertEquals(LabelKind.TEXT, model.labelKind());
        assertEquals(List.of("bird", "Möwe"), model.classes());
        assertEquals(List.of("wingspan", "beak", "Höhe"), model.featureNames());
        assertArrayEquals(new int[] {3, 4, 2}, model.network().sizes());
        assertEquals(Activation.TANH, model.network().hiddenActivation());
        assertEquals(Activation.SOFTMAX, model.network().outputActivation());
        assertEquals(Scaling.STANDARD, model.preprocessing().scaling());
        assertEquals(-0.75f, model.network().weights(0)[0]);
        assertEquals(-0.5f, model.network().weights(1)[7]);
        assertEquals(-1.5f, model.network().biases(1)[1]);
        assertSameModel(goldenModel(), model);
    }

    @Test
    void theCurrentVersionStillWritesTheGoldenBytes() throws IOException {
        assumeTrue(ModelCodec.formatVersion() == 1, "the golden bytes are version 1's");
        assertArrayEquals(golden(), ModelCodec.encode(goldenModel()));
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = ModelCodecTest.class.getResourceAsStream("golden-v1.sqlnnmodel")) {
            assertTrue(in != null, "golden-v1.sqlnnmodel is missing from the test resources");
            return in.readAllBytes();
        }
    }

    // ---------------------------------------------------------------- damaged blobs

    @Test
    void rejectsEveryTruncation() {
        byte[] blob = ModelCodec.encode(goldenModel());
        for (int length = 0; length < blob.length; length++) {
            byte[] cut = Arrays.copyOf(blob, length);
            assertDamaged(cut, "truncated to " + length + " bytes");
        }
    }

    /** Every one of the blob's bits, flipped alone (the golden model's blob is a few hundred bytes). */
    @Test
    void rejectsEverySingleBitFlip() {
        byte[] blob = ModelCodec.encode(goldenModel());
        for (int at = 0; at < blob.length; at++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = blob.clone();
                damaged[at] ^= (byte) (1 << bit);
                assertDamaged(damaged, "bit " + bit + " flipped at byte " + at);
            }
        }
    }

    @Test
    void rejectsRandomlyOverwrittenBytes() {
        byte[] blob = ModelCodec.encode(goldenModel());
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] damaged = blob.clone();
            int at = random.nextInt(blob.length);
            int n = 1 + random.nextInt(Math.min(8, blob.length - at));
            for (int k = 0; k < n; k++) damaged[at + k] = (byte) (damaged[at + k] + 1 + random.nextInt(255));
            assertDamaged(damaged, n + " bytes overwritten at " + at);
        }
    }

    /** A writer who fixes up the checksum can put anything in the header: never anything but a clean error. */
    @Test
    void headersWithARecomputedChecksumDecodeOrFailCleanly() {
        byte[] blob = ModelCodec.encode(goldenModel());
        int headerEnd = blob.length - 4 - 4 * (2 * 3 + 12 + 4 + 8 + 2);
        Random random = new Random(99);
        int rejected = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] hostile = blob.clone();
            int at = 10 + random.nextInt(headerEnd - 10);
            hostile[at] = (byte) random.nextInt(256);
            if (random.nextBoolean()) hostile[10 + random.nextInt(headerEnd - 10)] = (byte) random.nextInt(256);
            fixChecksum(hostile);
            try {
                ModelCodec.decode(hostile);
            } catch (DamagedModelException expected) {
                rejected++;
            } catch (Throwable t) {
                fail("header byte " + at + " set to " + hostile[at] + " gave " + t, t);
            }
        }
        assertTrue(rejected > 2500, "only " + rejected + " of 5000 hostile headers were rejected");
    }

    @Test
    void rejectsAWrongMagic() {
        byte[] blob = ModelCodec.encode(goldenModel());
        blob[3] = 'x';
        assertTrue(assertDamaged(blob, "wrong magic").getMessage().contains("SQLNNMDL"));
        assertDamaged("PK\3\4 a zip file, not a model".getBytes(StandardCharsets.US_ASCII), "a zip file");
    }

    @Test
    void namesTheReadableVersionForABlobFromTheFuture() {
        byte[] blob = ModelCodec.encode(goldenModel());
        blob[8] = 2;
        fixChecksum(blob);
        String message = assertDamaged(blob, "version 2").getMessage();
        assertTrue(message.contains("version 2") && message.contains("reads version 1"), message);
        blob[8] = 0;
        assertDamaged(blob, "version 0");
    }

    @Test
    void rejectsLyingSizesWithoutAllocatingThem() {
        // Sizes 784-1024-10 declared in a blob that has room for 3-4-2: 3.3 MB of floats announced.
        byte[] blob = ModelCodec.encode(goldenModel());
        ByteBuffer le = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        le.putInt(SIZES_OFFSET, 784).putInt(SIZES_OFFSET + 4, 1024).putInt(SIZES_OFFSET + 8, 10);
        fixChecksum(blob);
        String message = assertDamagedWithoutAllocating(blob).getMessage();
        assertTrue(message.contains("model blob is " + blob.length + " bytes"), message);

        int[] widest = new int[ModelCodec.MAX_LAYERS + 1];
        Arrays.fill(widest, ModelCodec.MAX_WIDTH);
        assertDamagedWithoutAllocating(handMade(widest, 0, 0));
        assertDamagedWithoutAllocating(handMade(new int[] {3, ModelCodec.MAX_WIDTH + 1, 2}, 0, 0));
        assertDamagedWithoutAllocating(handMade(new int[] {3, -4, 2}, 0, 0));
        assertDamagedWithoutAllocating(handMade(new int[ModelCodec.MAX_LAYERS + 2], 0, 0));
        // 3-2 has 14 parameter floats (56 bytes): give them room, so that the class count is what lies.
        assertDamagedWithoutAllocating(handMade(new int[] {3, 2}, Integer.MAX_VALUE, 56));
        assertDamagedWithoutAllocating(handMade(new int[] {3, 2}, ModelCodec.MAX_CLASSES, 56));
        assertDamagedWithoutAllocating(handMade(new int[] {3, 2}, -1, 56));
        assertTrue(assertDamaged(handMade(new int[] {3, 2}, 0, 56), "no classes").getMessage().contains("cannot exist"));
    }

    @Test
    void rejectsAClassNameLongerThanTheBlob() {
        byte[] blob = ModelCodec.encode(goldenModel());
        int lengthAt = indexOf(blob, "bird".getBytes(StandardCharsets.UTF_8)) - 4;
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(lengthAt, 1 << 30);
        fixChecksum(blob);
        assertDamagedWithoutAllocating(blob);
    }

    @Test
    void rejectsAFeatureCountThatIsNeitherOneNorTheWidth() {
        byte[] blob = ModelCodec.encode(goldenModel());
        int countAt = indexOf(blob, "wingspan".getBytes(StandardCharsets.UTF_8)) - 8;
        for (int count : new int[] {0, 2, 4, -1, Integer.MAX_VALUE, 1 << 24}) {
            byte[] lying = blob.clone();
            ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(countAt, count);
            fixChecksum(lying);
            String message = assertDamagedWithoutAllocating(lying).getMessage();
            assertTrue(message.contains(count + " feature names for 3 features"), message);
        }
    }

    @Test
    void rejectsAFeatureNameLongerThanTheBlobOrNotUtf8() {
        byte[] blob = ModelCodec.encode(goldenModel());
        int lengthAt = indexOf(blob, "beak".getBytes(StandardCharsets.UTF_8)) - 4;
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(lengthAt, 1 << 30);
        fixChecksum(blob);
        assertTrue(assertDamagedWithoutAllocating(blob).getMessage().contains("for feature 1"));

        byte[] badUtf8 = ModelCodec.encode(goldenModel());
        badUtf8[indexOf(badUtf8, "beak".getBytes(StandardCharsets.UTF_8))] = (byte) 0xE2;
        fixChecksum(badUtf8);
        assertTrue(assertDamaged(badUtf8, "bad UTF-8 in a feature name").getMessage().contains("UTF-8"));
    }

    @Test
    void aModelNeedsOneFeatureNameOrOnePerFeature() {
        Network net = new Network(new int[] {3, 2}, Activation.RELU, Activation.SOFTMAX);
        assertThrows(IllegalArgumentException.class, () -> new Model(Task.CLASSIFICATION, LabelKind.TEXT,
                List.of("a", "b"), List.of("x", "y"), Preprocessing.identity(FeatureKind.NUMERIC, 3), net, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Model(Task.CLASSIFICATION, LabelKind.TEXT,
                List.of("a", "b"), List.of(), Preprocessing.identity(FeatureKind.NUMERIC, 3), net, 0, 1));
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] blob = ModelCodec.encode(goldenModel());
        assertDamaged(Arrays.copyOf(blob, blob.length + 1), "a byte after the checksum");

        byte[] padded = Arrays.copyOf(blob, blob.length + 4);
        fixChecksum(padded);
        String message = assertDamaged(padded, "four bytes before a recomputed checksum").getMessage();
        assertEquals("model blob is " + padded.length + " bytes; the header declares " + blob.length, message);
    }

    @Test
    void rejectsUnknownEnumCodes() {
        for (int offset = 10; offset < 14; offset++) {
            byte[] blob = ModelCodec.encode(goldenModel());
            blob[offset] = 77;
            fixChecksum(blob);
            assertTrue(assertDamaged(blob, "code at " + offset).getMessage().contains("code 77"));
        }
        byte[] blob = ModelCodec.encode(goldenModel());
        blob[SIZES_OFFSET + 12] = 9; // feature kind
        fixChecksum(blob);
        assertDamaged(blob, "feature kind 9");
    }

    @Test
    void rejectsImpossibleModels() {
        byte[] softmaxHidden = ModelCodec.encode(goldenModel());
        softmaxHidden[12] = (byte) Activation.SOFTMAX.code;
        fixChecksum(softmaxHidden);
        assertDamaged(softmaxHidden, "softmax in a hidden layer");

        byte[] autoScaling = ModelCodec.encode(goldenModel());
        autoScaling[SIZES_OFFSET + 13] = (byte) Scaling.AUTO.code;
        fixChecksum(autoScaling);
        assertDamaged(autoScaling, "AUTO scaling stored");
    }

    @Test
    void rejectsBadClassNames() {
        Model twoAndThree = new Model(Task.CLASSIFICATION, LabelKind.INTEGER, List.of("2", "3"),
                List.of("PIXELS"), Preprocessing.bytes(3), randomNetwork(new int[] {3, 2}, Activation.RELU, Activation.SOFTMAX, 8), 0, 1);
        byte[] duplicate = ModelCodec.encode(twoAndThree);
        replace(duplicate, "3", "2");
        fixChecksum(duplicate);
        assertTrue(assertDamaged(duplicate, "duplicate class").getMessage().contains("twice"));

        byte[] notAnInteger = ModelCodec.encode(twoAndThree);
        replace(notAnInteger, "3", "x");
        fixChecksum(notAnInteger);
        assertTrue(assertDamaged(notAnInteger, "class x").getMessage().contains("not a decimal integer"));

        byte[] badUtf8 = ModelCodec.encode(goldenModel());
        badUtf8[indexOf(badUtf8, "bird".getBytes(StandardCharsets.UTF_8))] = (byte) 0xC3;
        fixChecksum(badUtf8);
        assertTrue(assertDamaged(badUtf8, "bad UTF-8").getMessage().contains("UTF-8"));
    }

    @Test
    void refusesToEncodeWhatItCouldNotDecode() {
        int[] tooDeep = new int[ModelCodec.MAX_LAYERS + 2];
        Arrays.fill(tooDeep, 1);
        Model deep = new Model(Task.REGRESSION, LabelKind.FLOAT, List.of(), List.of("X"), Preprocessing.bytes(1),
                new Network(tooDeep, Activation.RELU, Activation.IDENTITY), 0, 1);
        assertThrows(IllegalArgumentException.class, () -> ModelCodec.encode(deep));

        Model unpaired = new Model(Task.CLASSIFICATION, LabelKind.TEXT, List.of("a", "\uD800"), List.of("X"),
                Preprocessing.bytes(1), new Network(new int[] {1, 2}, Activation.RELU, Activation.SOFTMAX), 0, 1);
        assertThrows(IllegalArgumentException.class, () -> ModelCodec.encode(unpaired));

        Model unpairedFeature = new Model(Task.CLASSIFICATION, LabelKind.TEXT, List.of("a", "b"), List.of("x\uDC00"),
                Preprocessing.bytes(1), new Network(new int[] {1, 2}, Activation.RELU, Activation.SOFTMAX), 0, 1);
        assertThrows(IllegalArgumentException.class, () -> ModelCodec.encode(unpairedFeature));

        Model longFeature = new Model(Task.CLASSIFICATION, LabelKind.TEXT, List.of("a", "b"),
                List.of("x".repeat(ModelCodec.MAX_FEATURE_NAME_BYTES + 1)), Preprocessing.bytes(1),
                new Network(new int[] {1, 2}, Activation.RELU, Activation.SOFTMAX), 0, 1);
        assertThrows(IllegalArgumentException.class, () -> ModelCodec.encode(longFeature));
    }

    // ---------------------------------------------------------------- helpers

    private static DamagedModelException assertDamaged(byte[] blob, String what) {
        try {
            ModelCodec.decode(blob);
        } catch (DamagedModelException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            return expected;
        } catch (Throwable t) {
            fail(what + ": expected DamagedModelException, got " + t, t);
        }
        return fail(what + ": the blob decoded without complaint");
    }

    /** Also checks, where the JVM can measure it, that the decoder allocated next to nothing. */
    private static DamagedModelException assertDamagedWithoutAllocating(byte[] blob) {
        assertDamaged(blob, "warm-up"); // class loading and the first exception allocate too
        var threads = ManagementFactory.getThreadMXBean();
        if (!(threads instanceof com.sun.management.ThreadMXBean counting) || !counting.isThreadAllocatedMemoryEnabled()) {
            return assertDamaged(blob, "lying header");
        }
        long before = counting.getCurrentThreadAllocatedBytes();
        DamagedModelException e = assertDamaged(blob, "lying header");
        long allocated = counting.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 256 * 1024, "rejecting a lying header allocated " + allocated + " bytes");
        return e;
    }

    /**
     * A header with these sizes and class count, no class names, one feature name "x", then
     * {@code padding} zero bytes and a valid checksum.
     */
    private static byte[] handMade(int[] sizes, int classCount, int padding) {
        ByteBuffer out = ByteBuffer.allocate(SIZES_OFFSET + 4 * sizes.length + 2 + 16 + 4 + 9 + padding + 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put("SQLNNMDL".getBytes(StandardCharsets.US_ASCII)).putShort((short) 1);
        out.put((byte) 1).put((byte) 2).put((byte) 1).put((byte) 5).putShort((short) sizes.length);
        for (int s : sizes) out.putInt(s);
        out.put((byte) 2).put((byte) 1).putDouble(0).putDouble(1).putInt(classCount);
        out.putInt(1).putInt(1).put((byte) 'x');
        fixChecksum(out.array());
        return out.array();
    }

    private static void fixChecksum(byte[] blob) {
        CRC32C crc = new CRC32C();
        crc.update(blob, 0, blob.length - 4);
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(blob.length - 4, (int) crc.getValue());
    }

    private static void replace(byte[] blob, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(f.length, t.length, "replacements must keep the length");
        System.arraycopy(t, 0, blob, indexOf(blob, f), t.length);
    }

    private static int indexOf(byte[] blob, byte[] part) {
        for (int i = 0; i + part.length <= blob.length; i++) {
            if (Arrays.equals(blob, i, i + part.length, part, 0, part.length)) return i;
        }
        return fail("bytes not found in the blob");
    }

    private static Network randomNetwork(int[] sizes, Activation hidden, Activation output, long seed) {
        Random random = new Random(seed);
        Network net = new Network(sizes, hidden, output);
        for (int l = 0; l < net.layerCount(); l++) {
            fill(net.weights(l), random);
            fill(net.biases(l), random);
        }
        return net;
    }

    private static Preprocessing randomPreprocessing(int width, Scaling scaling, long seed) {
        Random random = new Random(seed);
        float[] shift = new float[width];
        float[] factor = new float[width];
        fill(shift, random);
        fill(factor, random);
        return new Preprocessing(FeatureKind.NUMERIC, scaling, shift, factor);
    }

    private static void fill(float[] values, Random random) {
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
    }

    static void assertSameModel(Model expected, Model actual) {
        assertEquals(expected.task(), actual.task());
        assertEquals(expected.labelKind(), actual.labelKind());
        assertEquals(expected.classes(), actual.classes());
        assertEquals(expected.featureNames(), actual.featureNames());
        assertEquals(Double.doubleToRawLongBits(expected.targetShift()), Double.doubleToRawLongBits(actual.targetShift()));
        assertEquals(Double.doubleToRawLongBits(expected.targetScale()), Double.doubleToRawLongBits(actual.targetScale()));
        Preprocessing p = expected.preprocessing();
        Preprocessing q = actual.preprocessing();
        assertEquals(p.kind(), q.kind());
        assertEquals(p.scaling(), q.scaling());
        assertArrayEquals(bits(p.shift()), bits(q.shift()), "shift");
        assertArrayEquals(bits(p.factor()), bits(q.factor()), "factor");
        Network n = expected.network();
        Network m = actual.network();
        assertArrayEquals(n.sizes(), m.sizes());
        assertEquals(n.hiddenActivation(), m.hiddenActivation());
        assertEquals(n.outputActivation(), m.outputActivation());
        for (int l = 0; l < n.layerCount(); l++) {
            assertArrayEquals(bits(n.weights(l)), bits(m.weights(l)), "weights of layer " + l);
            assertArrayEquals(bits(n.biases(l)), bits(m.biases(l)), "biases of layer " + l);
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) bits[i] = Float.floatToRawIntBits(values[i]);
        return bits;
    }
}
