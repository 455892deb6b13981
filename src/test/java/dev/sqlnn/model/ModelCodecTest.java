package dev.sqlnn.model;

import dev.sqlnn.data.EncodingOptions;
import dev.sqlnn.data.FeatureEncoding;
import dev.sqlnn.data.Imputation;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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

    /** The activations of issue 15 keep their codes (6 to 10) through a blob. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Activation.class,
            names = {"LEAKY_RELU", "ELU", "SELU", "GELU", "SOFTPLUS"})
    void roundTripsEveryNewHiddenActivation(Activation hidden) {
        Model model = new Model(Task.CLASSIFICATION, LabelKind.INTEGER, List.of("0", "1", "2"), List.of("FEATURES"),
                randomPreprocessing(4, Scaling.STANDARD, 6), randomNetwork(new int[] {4, 7, 5, 3}, hidden, Activation.SOFTMAX, 7),
                0, 1);
        byte[] blob = ModelCodec.encode(model);
        assertEquals(hidden.code, blob[12], "the hidden activation's code in the header");
        Model decoded = ModelCodec.decode(blob);
        assertSameModel(model, decoded);
        assertEquals(hidden, decoded.network().hiddenActivation());
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

    // ---------------------------------------------------------------- models with an encoding (version 2)

    /**
     * Seven plain columns in 17 inputs: numbers imputed by mean, median and zero, and one refusing NULLs
     * (error); categories with several values (non-ASCII, an emoji, the empty string), one refusing NULLs
     * and one that kept no category at all.
     */
    static FeatureEncoding sevenColumns() {
        return new FeatureEncoding(List.of(
                FeatureEncoding.Column.number("Größe", Imputation.MEAN, 2.5f),
                FeatureEncoding.Column.number("age", Imputation.MEDIAN, -0.75f),
                FeatureEncoding.Column.number("x y", Imputation.ZERO, 0f),
                FeatureEncoding.Column.number("strict", Imputation.ERROR, Float.NaN),
                FeatureEncoding.Column.category("farbe", Imputation.MISSING, List.of("rot", "Grün", "青", "", "🐱 cat", "tor")),
                FeatureEncoding.Column.category("plan", Imputation.ERROR, List.of("basic")),
                FeatureEncoding.Column.category("leer", Imputation.MISSING, List.of())));
    }

    /** A classifier on {@link #sevenColumns()}, its category inputs left unscaled as training leaves them. */
    static Model encodedModel() {
        FeatureEncoding encoding = sevenColumns();
        assertEquals(17, encoding.width());
        return new Model(Task.CLASSIFICATION, LabelKind.TEXT, List.of("a", "b", "c"), encoding.names(), encoding,
                encoding.leaveCategoriesUnscaled(randomPreprocessing(encoding.width(), Scaling.STANDARD, 21)),
                randomNetwork(new int[] {encoding.width(), 5, 3}, Activation.RELU, Activation.SOFTMAX, 22), 0, 1);
    }

    @Test
    void roundTripsAClassifierWithAnEncoding() {
        Model model = encodedModel();
        byte[] blob = ModelCodec.encode(model);
        assertEquals(2, ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).getShort(8));
        Model decoded = ModelCodec.decode(blob);
        assertSameModel(model, decoded);
        assertEquals(model.featureNames(), decoded.featureNames());
        assertEquals(7, decoded.featureNames().size());
        assertEquals(17, decoded.inputWidth());
        assertEquals(List.of("rot", "Grün", "青", "", "🐱 cat", "tor"), decoded.encoding().column(4).categories());
        assertEquals(Imputation.MEDIAN, decoded.encoding().column(1).impute());
        assertEquals(-0.75f, decoded.encoding().column(1).fill());
        assertTrue(Float.isNaN(decoded.encoding().column(3).fill()));
        // And it scores as the model it was: NULLs imputed, unseen values as "other".
        Object[][] rows = {
            {1.5, null, 3.0, 4.0, "Grün", "basic", null},
            {null, 2.0, null, -1.0, "unseen", "basic", "z"},
            {0.0, 0.0, 0.0, 0.0, "", "basic", null},
            {-7.25, 1e3, 0.5, 2.0, "🐱 cat", "other", ""},
            {1.0, 1.0, 1.0, 1.0, null, "basic", null},
        };
        for (Object[] row : rows) {
            assertArrayEquals(bits(model.predictProbabilities(row(row))), bits(decoded.predictProbabilities(row(row))),
                    () -> Arrays.toString(row));
        }
        // Both refuse alike a NULL where training refused one.
        for (Model m : List.of(model, decoded)) {
            assertThrows(IllegalArgumentException.class,
                    () -> m.predictProbabilities(row(new Object[] {1.0, 1.0, 1.0, null, "rot", "basic", null})));
            assertThrows(IllegalArgumentException.class,
                    () -> m.predictProbabilities(row(new Object[] {1.0, 1.0, 1.0, 1.0, "rot", null, null})));
        }
    }

    @Test
    void roundTripsARegressionWithAnEncoding() {
        FeatureEncoding encoding = new FeatureEncoding(List.of(
                FeatureEncoding.Column.category("région", Imputation.MISSING, List.of("Île-de-France", "Bretagne", "")),
                FeatureEncoding.Column.number("m²", Imputation.MEAN, 71.5f),
                FeatureEncoding.Column.number("rooms", Imputation.ZERO, 0f)));
        Model model = new Model(Task.REGRESSION, LabelKind.FLOAT, List.of(), encoding.names(), encoding,
                encoding.leaveCategoriesUnscaled(randomPreprocessing(encoding.width(), Scaling.MINMAX, 23)),
                randomNetwork(new int[] {encoding.width(), 4, 1}, Activation.TANH, Activation.IDENTITY, 24), 250_000.5, 1e5);
        Model decoded = ModelCodec.decode(ModelCodec.encode(model));
        assertSameModel(model, decoded);
        Object[] row = {"Bretagne", null, 3.0};
        assertEquals(model.predictValue(row(row)), decoded.predictValue(row(row)));
    }

    /** One category column: one feature name, as an ARRAY model has, but an encoding of several inputs. */
    @Test
    void roundTripsASingleCategoryColumn() {
        Model model = oneCategoryModel(List.of("p", "q", "ü"));
        Model decoded = ModelCodec.decode(ModelCodec.encode(model));
        assertSameModel(model, decoded);
        assertEquals(List.of("C"), decoded.featureNames());
        assertEquals(5, decoded.inputWidth());
    }

    /** Plain numeric columns without NULLs: as many names as inputs, and still an encoding, which must survive. */
    @Test
    void roundTripsAnEncodingOfNumbersOnly() {
        FeatureEncoding encoding = new FeatureEncoding(List.of(
                FeatureEncoding.Column.number("A", Imputation.MEAN, 0.125f),
                FeatureEncoding.Column.number("B", Imputation.MEDIAN, -3f)));
        Model model = new Model(Task.CLASSIFICATION, LabelKind.INTEGER, List.of("0", "1"), encoding.names(), encoding,
                randomPreprocessing(2, Scaling.STANDARD, 25),
                randomNetwork(new int[] {2, 3, 2}, Activation.SIGMOID, Activation.SOFTMAX, 26), 0, 1);
        Model decoded = ModelCodec.decode(ModelCodec.encode(model));
        assertSameModel(model, decoded);
        assertEquals(0.125f, decoded.encoding().column(0).fill());
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
    void readsVersion1BlobsAsModelsWithoutAnEncoding() throws IOException {
        assertNull(ModelCodec.decode(golden()).encoding(), "the golden blob");
        // Version 1 blobs written by hand from version 2 ones (the same bytes without the flag), for each kind of features.
        List<Model> models = List.of(goldenModel(),
                new Model(Task.CLASSIFICATION, LabelKind.INTEGER, List.of("0", "1"), List.of("IMAGE"), Preprocessing.bytes(4),
                        randomNetwork(new int[] {4, 3, 2}, Activation.RELU, Activation.SOFTMAX, 11), 0, 1),
                new Model(Task.REGRESSION, LabelKind.FLOAT, List.of(), List.of("FEATURES"),
                        randomPreprocessing(3, Scaling.MINMAX, 12),
                        randomNetwork(new int[] {3, 2, 1}, Activation.TANH, Activation.IDENTITY, 13), 4.5, 0.25));
        for (Model model : models) {
            Model decoded = ModelCodec.decode(asVersion1(ModelCodec.encode(model), model));
            assertNull(decoded.encoding());
            assertSameModel(model, decoded);
        }
    }

    /**
     * Version 2 writes a model without an encoding as version 1 did, with its version number and a zero
     * flag byte after the feature names: the golden bytes so changed, byte for byte.
     */
    @Test
    void theCurrentVersionWritesTheGoldenModelAsVersion1PlusAZeroFlag() throws IOException {
        assertEquals(2, ModelCodec.formatVersion());
        byte[] golden = golden();
        int flagAt = golden.length - 4 - parameterBytes(goldenModel());
        byte[] expected = new byte[golden.length + 1];
        System.arraycopy(golden, 0, expected, 0, flagAt);
        System.arraycopy(golden, flagAt, expected, flagAt + 1, golden.length - flagAt);
        expected[8] = 2;
        fixChecksum(expected);
        assertArrayEquals(expected, ModelCodec.encode(goldenModel()));
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = ModelCodecTest.class.getResourceAsStream("golden-v1.sqlnnmodel")) {
            assertTrue(in != null, "golden-v1.sqlnnmodel is missing from the test resources");
            return in.readAllBytes();
        }
    }

    // ---------------------------------------------------------------- damaged blobs

    /** The golden model (version 2, no encoding) and a model with an encoding: what the damage tests damage. */
    private static List<Model> damageable() {
        return List.of(goldenModel(), encodedModel());
    }

    @Test
    void rejectsEveryTruncation() {
        for (Model model : damageable()) {
            byte[] blob = ModelCodec.encode(model);
            for (int length = 0; length < blob.length; length++) {
                byte[] cut = Arrays.copyOf(blob, length);
                assertDamaged(cut, "truncated to " + length + " bytes");
            }
        }
    }

    /** Every one of the blob's bits, flipped alone (the blobs are a few hundred bytes). */
    @Test
    void rejectsEverySingleBitFlip() {
        for (Model model : damageable()) {
            byte[] blob = ModelCodec.encode(model);
            for (int at = 0; at < blob.length; at++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] damaged = blob.clone();
                    damaged[at] ^= (byte) (1 << bit);
                    assertDamaged(damaged, "bit " + bit + " flipped at byte " + at);
                }
            }
        }
    }

    @Test
    void rejectsRandomlyOverwrittenBytes() {
        for (Model model : damageable()) {
            byte[] blob = ModelCodec.encode(model);
            Random random = new Random(7);
            for (int i = 0; i < 2000; i++) {
                byte[] damaged = blob.clone();
                int at = random.nextInt(blob.length);
                int n = 1 + random.nextInt(Math.min(8, blob.length - at));
                for (int k = 0; k < n; k++) damaged[at + k] = (byte) (damaged[at + k] + 1 + random.nextInt(255));
                assertDamaged(damaged, n + " bytes overwritten at " + at);
            }
        }
    }

    /**
     * A writer who fixes up the checksum can put anything in the header (for the encoded model, the
     * encoding too): never anything but a clean error.
     */
    @Test
    void headersWithARecomputedChecksumDecodeOrFailCleanly() {
        for (Model model : damageable()) {
            byte[] blob = ModelCodec.encode(model);
            int headerEnd = blob.length - 4 - parameterBytes(model);
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
            // Many of the encoded model's header bytes are names and fills, which may take any value.
            int least = model.encoding() == null ? 2500 : 1500;
            assertTrue(rejected > least, "only " + rejected + " of 5000 hostile headers were rejected");
        }
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
        blob[8] = 3;
        fixChecksum(blob);
        String message = assertDamaged(blob, "version 3").getMessage();
        assertTrue(message.contains("version 3") && message.contains("reads versions 1 to 2")
                && message.contains("newer sqlnn"), message);
        blob[8] = (byte) 0xFF;
        blob[9] = (byte) 0xFF;
        fixChecksum(blob);
        assertTrue(assertDamaged(blob, "version 65535").getMessage().contains("version 65535"));
        blob[8] = 0;
        blob[9] = 0;
        fixChecksum(blob);
        assertDamaged(blob, "version 0");
    }

    /** A version 1 blob read as version 2 lacks the flag byte, a version 2 one read as version 1 has one too many. */
    @Test
    void rejectsABlobOfOneVersionLabelledAsTheOther() throws IOException {
        byte[] v1AsV2 = golden();
        v1AsV2[8] = 2;
        fixChecksum(v1AsV2);
        assertDamaged(v1AsV2, "the golden version 1 blob labelled version 2");
        for (Model model : List.of(goldenModel(), encodedModel())) {
            byte[] v2AsV1 = ModelCodec.encode(model);
            v2AsV1[8] = 1;
            fixChecksum(v2AsV1);
            assertDamaged(v2AsV1, "a version 2 blob labelled version 1");
        }
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
        // The same lies in version 2, where a flag byte follows the feature names.
        assertDamagedWithoutAllocating(handMade(2, widest, 0, 0));
        assertDamagedWithoutAllocating(handMade(2, new int[] {3, ModelCodec.MAX_WIDTH + 1, 2}, 0, 0));
        assertDamagedWithoutAllocating(handMade(2, new int[] {3, 2}, Integer.MAX_VALUE, 56));
        assertDamagedWithoutAllocating(handMade(2, new int[] {3, 2}, ModelCodec.MAX_CLASSES, 56));
        assertDamagedWithoutAllocating(handMade(2, new int[] {3, 2}, -1, 56));
        assertTrue(assertDamaged(handMade(2, new int[] {3, 2}, 0, 56), "no classes, v2").getMessage().contains("cannot exist"));
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
    void rejectsAFeatureCountThatIsNeitherOneNorTheWidth() throws IOException {
        // Version 1: one name, or one per input.
        byte[] v1 = golden();
        int countAt = indexOf(v1, "wingspan".getBytes(StandardCharsets.UTF_8)) - 8;
        for (int count : new int[] {0, 2, 4, -1, Integer.MAX_VALUE, 1 << 24}) {
            byte[] lying = v1.clone();
            ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(countAt, count);
            fixChecksum(lying);
            String message = assertDamagedWithoutAllocating(lying).getMessage();
            assertTrue(message.contains(count + " feature names for 3 features"), message);
        }
        // Version 2: an encoding may give several inputs to a column, so 1 to the width names are read, no more ...
        byte[] v2 = ModelCodec.encode(goldenModel());
        for (int count : new int[] {0, 4, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 24}) {
            byte[] lying = v2.clone();
            ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(countAt, count);
            fixChecksum(lying);
            String message = assertDamagedWithoutAllocating(lying).getMessage();
            assertTrue(message.contains(count + " feature names for 3 features"), message);
        }
        // ... and without an encoding, the count is still 1 or the width: here two well-formed names for 3 inputs.
        int thirdAt = indexOf(v2, "Höhe".getBytes(StandardCharsets.UTF_8)) - 4;
        byte[] two = splice(v2, thirdAt, 4 + "Höhe".getBytes(StandardCharsets.UTF_8).length, new byte[0]);
        ByteBuffer.wrap(two).order(ByteOrder.LITTLE_ENDIAN).putInt(countAt, 2);
        fixChecksum(two);
        String message = assertDamaged(two, "two names, no encoding").getMessage();
        assertTrue(message.contains("2 feature names for 3 features; expected 1"), message);
        // With an encoding, more names than inputs cannot be.
        Model encoded = encodedModel();
        byte[] blob = ModelCodec.encode(encoded);
        int encodedCountAt = indexOf(blob, utf8(encoded.featureNames().get(0))) - 8;
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(encodedCountAt, encoded.inputWidth() + 1);
        fixChecksum(blob);
        message = assertDamagedWithoutAllocating(blob).getMessage();
        assertTrue(message.contains((encoded.inputWidth() + 1) + " feature names for " + encoded.inputWidth() + " features"),
                message);
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

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= EncodingOptions.MAX_CATEGORIES; i++) tooMany.add("c" + i);
        assertThrows(IllegalArgumentException.class, () -> ModelCodec.encode(oneCategoryModel(tooMany)));
        assertThrows(IllegalArgumentException.class, () -> ModelCodec.encode(oneCategoryModel(List.of("a", "b\uD800"))));
        assertThrows(IllegalArgumentException.class,
                () -> ModelCodec.encode(oneCategoryModel(List.of("x".repeat(ModelCodec.MAX_CLASS_NAME_BYTES + 1)))));
        // The limits themselves are encodable.
        List<String> most = tooMany.subList(0, EncodingOptions.MAX_CATEGORIES);
        assertSameModel(oneCategoryModel(most), ModelCodec.decode(ModelCodec.encode(oneCategoryModel(most))));
    }

    /** A regression on one category column that keeps {@code categories}. */
    private static Model oneCategoryModel(List<String> categories) {
        FeatureEncoding encoding = new FeatureEncoding(List.of(
                FeatureEncoding.Column.category("C", Imputation.MISSING, categories)));
        return new Model(Task.REGRESSION, LabelKind.FLOAT, List.of(), List.of("C"), encoding,
                Preprocessing.identity(FeatureKind.NUMERIC, encoding.width()),
                new Network(new int[] {encoding.width(), 1}, Activation.RELU, Activation.IDENTITY), 0, 1);
    }

    // ---------------------------------------------------------------- damaged encodings (version 2)

    @Test
    void rejectsAnEncodingFlagOtherThanZeroOrOne() {
        List<Model> models = new ArrayList<>(damageable());
        models.add(new Model(Task.CLASSIFICATION, LabelKind.INTEGER, List.of("0", "1"), List.of("FEATURES"),
                randomPreprocessing(2, Scaling.STANDARD, 27),
                randomNetwork(new int[] {2, 2}, Activation.RELU, Activation.SOFTMAX, 28), 0, 1));
        for (Model model : models) {
            byte[] blob = ModelCodec.encode(model);
            int flagAt = flagAt(blob);
            assertEquals(model.encoding() == null ? 0 : 1, blob[flagAt], "the flag");
            for (int flag : new int[] {2, 3, 0x7F, 0x80, 0xFF}) {
                byte[] b = blob.clone();
                b[flagAt] = (byte) flag;
                fixChecksum(b);
                String message = assertDamaged(b, "flag " + flag).getMessage();
                assertTrue(message.contains("encoding flag " + flag), message);
            }
            // The other valid flag: an encoding read from the parameters, or one left unread.
            byte[] other = blob.clone();
            other[flagAt] ^= 1;
            fixChecksum(other);
            assertDamaged(other, "flag " + other[flagAt]);
        }
    }

    @Test
    void rejectsUnknownEncodingKindsAndImputations() {
        byte[] blob = ModelCodec.encode(encodedModel());
        int[] columnAt = columnAt(blob);
        for (int column : new int[] {0, 3, 4, 6}) {
            for (int kind : new int[] {2, 3, 0x80, 0xFF}) {
                byte[] b = blob.clone();
                b[columnAt[column]] = (byte) kind;
                fixChecksum(b);
                String message = assertDamaged(b, "kind " + kind).getMessage();
                assertTrue(message.contains("encoding kind " + kind), message);
            }
            for (int code : new int[] {5, 6, 0x80, 0xFF}) {
                byte[] b = blob.clone();
                b[columnAt[column] + 1] = (byte) code;
                fixChecksum(b);
                String message = assertDamaged(b, "imputation " + code).getMessage();
                assertTrue(message.contains("imputation code " + code), message);
            }
        }
    }

    /** Known codes in the wrong place: a number imputing a category's way, or a category a number's. */
    @Test
    void rejectsEncodingsThatCannotExist() {
        byte[] blob = ModelCodec.encode(encodedModel());
        int[] columnAt = columnAt(blob);
        record Change(int column, int offset, int value, String what) {
        }
        List<Change> changes = List.of(
                new Change(0, 0, 1, "number 'Größe' made a category that imputes the mean"),
                new Change(4, 0, 0, "category 'farbe' with six categories made a number"),
                new Change(6, 0, 0, "category 'leer' (no categories) made a number that imputes as missing"),
                new Change(0, 1, Imputation.MISSING.code, "a number imputed as missing"),
                new Change(4, 1, Imputation.MEAN.code, "a category imputed by the mean"),
                new Change(5, 1, Imputation.MEDIAN.code, "a category imputed by the median"));
        for (Change change : changes) {
            byte[] b = blob.clone();
            b[columnAt[change.column()] + change.offset()] = (byte) change.value();
            fixChecksum(b);
            String message = assertDamaged(b, change.what()).getMessage();
            assertTrue(message.contains("cannot exist"), change.what() + ": " + message);
        }
        for (float fill : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            byte[] b = blob.clone();
            le(b).putFloat(columnAt[0] + 2, fill);
            fixChecksum(b);
            String message = assertDamaged(b, "mean fill " + fill).getMessage();
            assertTrue(message.contains("finite fill"), message);
        }
    }

    @Test
    void rejectsLyingCategoryCountsWithoutAllocatingThem() {
        byte[] blob = ModelCodec.encode(encodedModel());
        int countAt = columnAt(blob)[4] + 6;
        assertEquals(6, le(blob).getInt(countAt), "farbe's category count");
        for (int count : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, EncodingOptions.MAX_CATEGORIES + 1, 1 << 30}) {
            byte[] b = blob.clone();
            le(b).putInt(countAt, count);
            fixChecksum(b);
            String message = assertDamagedWithoutAllocating(b).getMessage();
            assertTrue(message.contains(count + " categories for feature 'farbe'"), message);
        }
        // Within the limit but beyond the blob: nothing is allocated for them either.
        for (int count : new int[] {EncodingOptions.MAX_CATEGORIES, blob.length / 4}) {
            byte[] b = blob.clone();
            le(b).putInt(countAt, count);
            fixChecksum(b);
            String message = assertDamagedWithoutAllocating(b).getMessage();
            assertTrue(message.contains(count + " category names but has only"), message);
        }
        // Within the blob: the names that follow are misread, and the encoding no longer adds up.
        for (int count : new int[] {0, 5, 7, 8}) {
            byte[] b = blob.clone();
            le(b).putInt(countAt, count);
            fixChecksum(b);
            assertDamaged(b, count + " categories for farbe");
        }
        // A number with a category.
        byte[] b = blob.clone();
        le(b).putInt(columnAt(blob)[0] + 6, 1);
        fixChecksum(b);
        assertDamaged(b, "a number with a category");
    }

    @Test
    void rejectsLyingCategoryNamesWithoutAllocatingThem() {
        byte[] blob = ModelCodec.encode(encodedModel());
        int lengthAt = indexOf(blob, utf8("rot")) - 4;
        assertEquals(3, le(blob).getInt(lengthAt));
        for (int length : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 30,
            ModelCodec.MAX_CLASS_NAME_BYTES + 1, blob.length}) {
            byte[] b = blob.clone();
            le(b).putInt(lengthAt, length);
            fixChecksum(b);
            String message = assertDamagedWithoutAllocating(b).getMessage();
            assertTrue(message.contains("name of " + length + " bytes for category 0"), message);
        }
        byte[] badUtf8 = blob.clone();
        badUtf8[indexOf(badUtf8, utf8("Grün"))] = (byte) 0xE2;
        fixChecksum(badUtf8);
        assertTrue(assertDamaged(badUtf8, "bad UTF-8 in a category").getMessage().contains("UTF-8"));

        byte[] duplicate = blob.clone();
        replace(duplicate, "tor", "rot");
        fixChecksum(duplicate);
        assertTrue(assertDamaged(duplicate, "a category twice").getMessage().contains("twice"));
    }

    @Test
    void rejectsAnEncodingOfAnotherWidthThanTheNetwork() {
        Model model = encodedModel();
        byte[] blob = ModelCodec.encode(model);
        int[] columnAt = columnAt(blob);

        // A category more for "plan": 18 inputs.
        int planCountAt = columnAt[5] + 6;
        byte[] more = splice(blob, planCountAt + 4, 0, concat(intBytes(5), utf8("extra")));
        le(more).putInt(planCountAt, 2);
        fixChecksum(more);
        String message = assertDamaged(more, "a category added").getMessage();
        assertTrue(message.contains("an encoding of 18 inputs for a network of 17"), message);

        // "rot" gone from "farbe": 16 inputs.
        int rotAt = indexOf(blob, utf8("rot")) - 4;
        byte[] fewer = splice(blob, rotAt, 4 + 3, new byte[0]);
        le(fewer).putInt(columnAt[4] + 6, 5);
        fixChecksum(fewer);
        message = assertDamaged(fewer, "a category removed").getMessage();
        assertTrue(message.contains("an encoding of 16 inputs for a network of 17"), message);

        // The number that refuses NULLs made a category that refuses them and kept none: a valid column of 2 inputs.
        byte[] kind = blob.clone();
        kind[columnAt[3]] = 1;
        fixChecksum(kind);
        message = assertDamaged(kind, "a number made a category").getMessage();
        assertTrue(message.contains("an encoding of 18 inputs for a network of 17"), message);
    }

    @Test
    void rejectsAnEncodingOfByteFeatures() {
        byte[] blob = ModelCodec.encode(encodedModel());
        blob[SIZES_OFFSET + 4 * 3] = (byte) FeatureKind.BYTES.code;
        fixChecksum(blob);
        assertTrue(assertDamaged(blob, "bytes with an encoding").getMessage().contains("cannot exist"));
    }

    // ---------------------------------------------------------------- helpers

    /** Bytes of a model's preprocessing and parameters, by the documented layout. */
    private static int parameterBytes(Model model) {
        int[] sizes = model.network().sizes();
        int floats = 2 * sizes[0];
        for (int l = 0; l + 1 < sizes.length; l++) floats += sizes[l] * sizes[l + 1] + sizes[l + 1];
        return 4 * floats;
    }

    /** Offset of the feature name count, by the documented layout (the same in versions 1 and 2). */
    private static int featureCountAt(byte[] blob) {
        ByteBuffer le = le(blob);
        int at = SIZES_OFFSET + 4 * Short.toUnsignedInt(le.getShort(SIZES_OFFSET - 2)) + 2 + 2 * Double.BYTES;
        int classes = le.getInt(at);
        at += 4;
        for (int i = 0; i < classes; i++) at += 4 + le.getInt(at);
        return at;
    }

    /** Offset of a version 2 blob's encoding flag: right after the feature names. */
    private static int flagAt(byte[] blob) {
        ByteBuffer le = le(blob);
        assertEquals(2, le.getShort(8), "a version 2 blob");
        int at = featureCountAt(blob);
        int names = le.getInt(at);
        at += 4;
        for (int i = 0; i < names; i++) at += 4 + le.getInt(at);
        return at;
    }

    /**
     * Offsets of each feature column's entry in a version 2 blob's encoding: kind at +0, imputation at
     * +1, fill at +2, category count at +6, the categories from +10.
     */
    private static int[] columnAt(byte[] blob) {
        ByteBuffer le = le(blob);
        int at = flagAt(blob);
        assertEquals(1, blob[at], "the blob has an encoding");
        at++;
        int[] columns = new int[le.getInt(featureCountAt(blob))];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = at;
            int categories = le.getInt(at + 6);
            at += 10;
            for (int k = 0; k < categories; k++) at += 4 + le.getInt(at);
        }
        return columns;
    }

    /** A version 2 blob of a model without an encoding rewritten as version 1 wrote it: no flag byte. */
    private static byte[] asVersion1(byte[] blob, Model model) {
        int flagAt = flagAt(blob);
        assertEquals(flagAt, blob.length - 4 - parameterBytes(model) - 1, "the flag is the header's last byte");
        assertEquals(0, blob[flagAt]);
        byte[] v1 = splice(blob, flagAt, 1, new byte[0]);
        le(v1).putShort(8, (short) 1);
        fixChecksum(v1);
        return v1;
    }

    /** A row of plain columns' values: Numbers, Strings, or null for NULL. */
    private static FeatureRow row(Object[] values) {
        return new FeatureRow() {
            @Override
            public int size() {
                return values.length;
            }

            @Override
            public boolean isNull(int i) {
                return values[i] == null;
            }

            @Override
            public float number(int i) {
                return ((Number) values[i]).floatValue();
            }

            @Override
            public String text(int i) {
                return values[i] instanceof String s ? s : FeatureRow.super.text(i);
            }
        };
    }

    private static ByteBuffer le(byte[] blob) {
        return ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] intBytes(int value) {
        byte[] bytes = new byte[4];
        le(bytes).putInt(0, value);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** {@code blob} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
    private static byte[] splice(byte[] blob, int at, int remove, byte[] insert) {
        byte[] out = new byte[blob.length - remove + insert.length];
        System.arraycopy(blob, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(blob, at + remove, out, at + insert.length, blob.length - at - remove);
        return out;
    }

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
     * A version 1 header with these sizes and class count, no class names, one feature name "x", then
     * {@code padding} zero bytes and a valid checksum.
     */
    private static byte[] handMade(int[] sizes, int classCount, int padding) {
        return handMade(1, sizes, classCount, padding);
    }

    /** {@link #handMade(int[], int, int)} in format {@code version}: in version 2, a zero flag byte follows the names. */
    private static byte[] handMade(int version, int[] sizes, int classCount, int padding) {
        int flag = version >= 2 ? 1 : 0;
        ByteBuffer out = ByteBuffer.allocate(SIZES_OFFSET + 4 * sizes.length + 2 + 16 + 4 + 9 + flag + padding + 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put("SQLNNMDL".getBytes(StandardCharsets.US_ASCII)).putShort((short) version);
        out.put((byte) 1).put((byte) 2).put((byte) 1).put((byte) 5).putShort((short) sizes.length);
        for (int s : sizes) out.putInt(s);
        out.put((byte) 2).put((byte) 1).putDouble(0).putDouble(1).putInt(classCount);
        out.putInt(1).putInt(1).put((byte) 'x');
        if (flag == 1) out.put((byte) 0);
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
        assertSameEncoding(expected.encoding(), actual.encoding());
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

    static void assertSameEncoding(FeatureEncoding expected, FeatureEncoding actual) {
        if (expected == null) {
            assertNull(actual, "an encoding where there was none");
            return;
        }
        assertNotNull(actual, "the encoding");
        assertEquals(expected.columns().size(), actual.columns().size(), "encoded columns");
        for (int i = 0; i < expected.columns().size(); i++) {
            FeatureEncoding.Column e = expected.column(i);
            FeatureEncoding.Column a = actual.column(i);
            assertEquals(e.name(), a.name());
            assertEquals(e.kind(), a.kind(), e.name());
            assertEquals(e.impute(), a.impute(), e.name());
            assertEquals(Float.floatToRawIntBits(e.fill()), Float.floatToRawIntBits(a.fill()), e.name() + "'s fill");
            assertEquals(e.categories(), a.categories(), e.name());
        }
        assertEquals(expected.width(), actual.width());
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) bits[i] = Float.floatToRawIntBits(values[i]);
        return bits;
    }
}
