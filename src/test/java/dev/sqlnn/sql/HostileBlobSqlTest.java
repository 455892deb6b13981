package dev.sqlnn.sql;

import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Task;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelCodec;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.Network;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile model blobs, end to end through SQL: a blob in {@code SQLNN.MODELS.WEIGHTS} that anyone with
 * write access may have damaged or forged, read by every function that loads a model.
 *
 * <p>The fuzz run ({@link #CASES} cases from seed {@link #SEED}) mutates valid blobs (six trained by
 * {@code ML_TRAIN}, in format version 2, with integer and text classes, plain, ARRAY and VARBINARY features,
 * a text column and NULLs, and a regression, plus the golden format version 1 blob) and inserts each
 * mutant as version 1 of a model name of its own, so that no decoded copy in the model cache can stand
 * in for it, then calls every reader through SQL. Every mutation {@link Kind kind} but one is built so
 * that the blob <em>must</em> be refused, and says which rule of the format refuses it; the mutator
 * checks that rule on each case it builds (a checksum that no longer matches, a count outside the
 * format's limits, a header whose sizes no longer add up to the blob's length, an encoding whose inputs
 * no longer add up to the network's). Kinds that mutate the encoding run on the bases that have one.
 * A refusal is an {@link SQLException} with SQLState {@code 22000} whose message is the function's name
 * and the decoder's own message; never another SQLState, never an {@link Error} (H2 would report an
 * {@link OutOfMemoryError} or an {@link ArrayIndexOutOfBoundsException} as an SQLException of another
 * state), never an answer. The one kind that must be accepted,
 * {@link Kind#FLOATS_REWRITTEN}, changes parameters and recomputes the checksum: a legitimately different
 * model, which must decode to exactly the parameters written and predict what they predict.
 *
 * <p>Each case runs in a thread of its own under a timeout, on a session of its own: a case that hangs
 * fails the run and names itself. A decoder that allocated what a lying header announces, without
 * running out of memory, fails the per-case allocation budget.
 *
 * <p>And the golden version 1 blob, inserted by plain SQL, must keep loading and scoring in every later
 * sqlnn.
 */
class HostileBlobSqlTest extends SqlTestSupport {

    /** The fuzz run's seed and size: a failure names its case, which this seed rebuilds exactly. */
    static final long SEED = 20260611L;
    static final int CASES = 1000;

    /** Bytes one case (a mutant, its insert and about a dozen calls) may allocate: far below any lie worth telling. */
    private static final long ALLOCATION_BUDGET = 32L << 20;
    /** A case takes milliseconds; one that takes this long hangs. */
    private static final Duration CASE_TIMEOUT = Duration.ofSeconds(30);

    // The layout and limits of format versions 1 and 2, as ModelCodec's Javadoc documents them (restated: the
    // test checks the format, not the decoder's reading of it). Version 2 adds, after the feature names, a flag
    // byte and, when it is 1, an encoding entry per feature column: kind u8, imputation u8, fill f32, category
    // count i32, categories as (i32 length, UTF-8).
    private static final byte[] MAGIC = "SQLNNMDL".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION_AT = 8;
    /** Task, label kind, hidden activation, output activation: one byte each. */
    private static final int CODES_AT = 10;
    private static final int SIZE_COUNT_AT = 14;
    private static final int SIZES_AT = 16;
    /** Magic, version and checksum: a shorter blob is refused before anything else is read. */
    private static final int ENVELOPE_BYTES = 8 + 2 + 4;
    private static final int MAX_LAYERS = 64;
    private static final int MAX_WIDTH = 1 << 24;
    private static final int MAX_CLASSES = 1 << 20;
    private static final int MAX_NAME_BYTES = 1 << 16;
    /** No enumeration of the format (task, label kind, activation, feature kind, scaling) has a higher code. */
    private static final int MAX_CODE = 5;
    /** The versions this build reads; a version 2 blob has the flag byte that a version 1 blob lacks. */
    private static final int FIRST_VERSION = 1;
    private static final int LAST_VERSION = 2;
    /** Encoding kinds: number 0, category 1; no other. */
    private static final int NUMBER = 0;
    private static final int CATEGORY = 1;
    /** Imputation codes: mean 0, median 1, zero 2 (numbers only), missing 3 (categories only), error 4 (both); no other. */
    private static final int MISSING = 3;
    private static final int MAX_IMPUTATION_CODE = 4;
    /** A column keeps at most this many categories. */
    private static final int MAX_CATEGORIES = 10_000;

    private static final String GOLDEN = "/dev/sqlnn/model/golden-v1.sqlnnmodel";
    private static final double[] GOLDEN_POINT = {1.0, -0.5, 2.5};

    // ---------------------------------------------------------------- the golden blob

    /**
     * The golden version 1 blob, inserted as a row by plain SQL, still loads and scores: every later
     * sqlnn must. Its model is documented in {@code ModelCodecTest.goldenModel()}; the expected
     * probabilities are worked out here by hand from those parameters, not by sqlnn.
     */
    @Test
    void theGoldenVersion1BlobScoresThroughSql() throws Exception {
        byte[] golden = golden();
        assertEquals(1, ByteBuffer.wrap(golden).order(ByteOrder.LITTLE_ENDIAN).getShort(VERSION_AT),
                "the golden blob is format version 1");
        insertGolden(golden);
        execute("CREATE TABLE birds (ID INT, \"wingspan\" DOUBLE PRECISION, \"beak\" DOUBLE PRECISION,"
                + " \"Höhe\" DOUBLE PRECISION, SPECIES VARCHAR(10))");
        execute("INSERT INTO birds VALUES (1, 1.0, -0.5, 2.5, 'bird'), (2, -3, 4, -8, 'Möwe'), (3, 0, 0, 0, 'bird')");

        double[][] points = {GOLDEN_POINT, {-3, 4, -8}, {0, 0, 0}};
        for (double[] x : points) {
            double[] p = goldenProbabilities(x);
            float[] proba = floats(value("SELECT PREDICT_PROBA('golden', " + sqlArray(x) + ")"));
            assertEquals(2, proba.length);
            assertEquals(p[0], proba[0], 1e-6, () -> "P(bird) at " + Arrays.toString(x));
            assertEquals(p[1], proba[1], 1e-6, () -> "P(Möwe) at " + Arrays.toString(x));
            // The output biases (1.5, -1.5) outweigh any hidden layer: the golden model always says bird.
            assertEquals("bird", value("SELECT PREDICT_LABEL('golden', " + sqlArray(x) + ")"));
        }
        assertFails("22023", "PREDICT", "SELECT PREDICT('golden', " + sqlArray(GOLDEN_POINT) + ")",
                "has text labels", "PREDICT_LABEL('golden'");

        List<Object[]> scored = rows(
                "SELECT ID, PREDICTION, PROBABILITY FROM ML_PREDICT('golden', 'SELECT * FROM birds') ORDER BY ID");
        assertEquals(3, scored.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("bird", scored.get(i)[1]);
            assertEquals(goldenProbabilities(points[i])[0], ((Number) scored.get(i)[2]).doubleValue(), 1e-6);
        }
        // Two of the three rows are labelled bird: the accuracy of a model that always says bird.
        Object accuracy = value("SELECT SCORE FROM ML_EVALUATE('golden', "
                + "'SELECT \"wingspan\", \"beak\", \"Höhe\", species FROM birds') WHERE METRIC = 'accuracy'");
        assertEquals(2.0 / 3, ((Number) accuracy).doubleValue(), 1e-12);

        // Its parameters, exactly as documented, in ML_WEIGHTS' order: by layer, by output unit, the bias first.
        List<Object[]> weights = rows("SELECT LAYER, OUTPUT_UNIT, INPUT_UNIT, WEIGHT FROM ML_WEIGHTS('golden')");
        assertEquals(expectedWeightRows(goldenNetworkSizes(), goldenWeights(), goldenBiases()), describe(weights));
    }

    private void insertGolden(byte[] golden) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO SQLNN.MODELS (NAME, VERSION, TASK,"
                + " INPUT_WIDTH, LAYERS, CLASSES, TRAIN_ROWS, TRAIN_SECONDS, DEPLOYED, WEIGHTS)"
                + " VALUES ('golden', 1, 'classification', 3, '3-4-2', JSON '[\"bird\",\"Möwe\"]', 0, 0, TRUE, ?)")) {
            insert.setBytes(1, golden);
            assertEquals(1, insert.executeUpdate());
        }
        execute("INSERT INTO SQLNN.DEPLOYMENTS (NAME, VERSION) VALUES ('golden', 1)");
    }

    /** {@code ARRAY[...]} of any width (SqlTestSupport's {@code array} is for the blobs' two coordinates). */
    private static String sqlArray(double[] x) {
        return "ARRAY" + Arrays.toString(x);
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = HostileBlobSqlTest.class.getResourceAsStream(GOLDEN)) {
            assertNotNull(in, GOLDEN + " is missing from the test resources");
            return in.readAllBytes();
        }
    }

    private static int[] goldenNetworkSizes() {
        return new int[] {3, 4, 2};
    }

    /** {@code ModelCodecTest.goldenModel()}'s weights: w0[i] = (i - 6) / 8, w1[i] = ±(i + 1) / 16, + for even i. */
    private static float[][] goldenWeights() {
        float[] w0 = new float[12];
        for (int i = 0; i < w0.length; i++) w0[i] = (i - 6) / 8f;
        float[] w1 = new float[8];
        for (int i = 0; i < w1.length; i++) w1[i] = (i % 2 == 0 ? 1 : -1) * (i + 1) / 16f;
        return new float[][] {w0, w1};
    }

    private static float[][] goldenBiases() {
        return new float[][] {{0.125f, -0.25f, 0.375f, -0.5f}, {1.5f, -1.5f}};
    }

    /** The golden model by hand: standard scaling (x - shift) · factor, tanh, softmax over bird and Möwe. */
    private static double[] goldenProbabilities(double[] x) {
        double[] shift = {0.5, -1.25, 2};
        double[] factor = {2, 0.5, 0.25};
        float[][] w = goldenWeights();
        float[][] b = goldenBiases();
        double[] hidden = new double[4];
        for (int o = 0; o < 4; o++) {
            double z = b[0][o];
            for (int i = 0; i < 3; i++) z += (x[i] - shift[i]) * factor[i] * w[0][i * 4 + o];
            hidden[o] = Math.tanh(z);
        }
        double[] z = new double[2];
        for (int o = 0; o < 2; o++) {
            z[o] = b[1][o];
            for (int h = 0; h < 4; h++) z[o] += hidden[h] * w[1][h * 2 + o];
        }
        return softmax(z);
    }

    // ---------------------------------------------------------------- the fuzz run

    /** What a case does to a valid blob, and why the result must be refused (all but one kind). */
    enum Kind {
        BIT_FLIPS("1 to 8 bits flipped anywhere", "the checksum no longer matches"),
        BYTES_OVERWRITTEN("1 to 8 consecutive bytes changed", "the checksum no longer matches"),
        TRUNCATED("cut to a random shorter length", "too short for the envelope, or the checksum no longer matches"),
        BYTES_APPENDED("1 to 64 random bytes appended", "the checksum no longer matches"),
        PADDED_CHECKSUM_FIXED("1 to 64 bytes inserted before a recomputed checksum",
                "the unchanged header declares fewer bytes than the blob has"),
        FLOATS_CUT_CHECKSUM_FIXED("1 to 64 bytes cut out of the parameters, checksum recomputed",
                "the unchanged header declares more bytes than the blob has"),
        MAGIC_CHECKSUM_FIXED("the magic damaged or replaced by another format's, checksum recomputed", "not the magic"),
        VERSION_CHECKSUM_FIXED("the format version rewritten, checksum recomputed",
                "only versions 1 and 2 are read, and a blob of one read as the other has a byte too many or too few"
                        + " (version 2's flag after the feature names)"),
        ENUM_CODE_CHECKSUM_FIXED("a task, label kind, activation, feature kind or scaling code above 5, checksum recomputed",
                "no such code"),
        LAYER_COUNT_CHECKSUM_FIXED("the count of layer sizes rewritten to 0, 1 or above 65, checksum recomputed",
                "outside 2 to 65"),
        LAYER_ADDED_OR_REMOVED_CHECKSUM_FIXED("a layer size inserted or removed with its count, checksum recomputed",
                "the new sizes need a different number of parameter bytes than the blob holds"),
        LAYER_WIDTH_CHECKSUM_FIXED("one layer width rewritten (zero, negative, huge or off by one), checksum recomputed",
                "outside 1 to 2^24, or a different number of parameter bytes (each width raises the count)"),
        LAYER_WIDTHS_SWAPPED_CHECKSUM_FIXED("two different layer widths swapped, checksum recomputed",
                "the swapped sizes need a different number of parameter bytes (only such swaps are made)"),
        CLASS_COUNT_CHECKSUM_FIXED("the class count rewritten (negative or huge), checksum recomputed",
                "negative, or more names than the blob has bytes for"),
        CLASS_ADDED_OR_REMOVED_CHECKSUM_FIXED("a whole class entry inserted or removed with the count, checksum recomputed",
                "a classifier needs one class per output, a regression none"),
        NAME_LENGTH_CHECKSUM_FIXED("a class or feature name's length rewritten (negative or huge), checksum recomputed",
                "negative, beyond 64 KiB, or longer than the blob"),
        FEATURE_COUNT_CHECKSUM_FIXED("the feature name count rewritten, checksum recomputed",
                "version 1: one name (an ARRAY or VARBINARY column) or one per feature; version 2: 1 to the input"
                        + " width, as every column takes at least one input"),
        ENCODED_FLAG_CHECKSUM_FIXED("version 2's encoding flag rewritten (2 to 255, or the other of 0 and 1), checksum recomputed",
                "neither 0 nor 1; or the other, which reads an encoding (at least 10 bytes) out of the parameters or"
                        + " leaves one unread"),
        ENCODING_KIND_CHECKSUM_FIXED("a column's encoding kind rewritten (unknown, or the other kind), checksum recomputed",
                "no such kind; the other kind changes the column's width (a number takes 1 input, a category its"
                        + " categories + 2) or contradicts its categories"),
        IMPUTATION_CODE_CHECKSUM_FIXED("a column's imputation code rewritten (unknown, or one its kind does not take),"
                + " checksum recomputed", "no such imputation; numbers do not impute as missing, categories not by"
                + " mean, median or zero"),
        CATEGORY_COUNT_CHECKSUM_FIXED("a column's category count rewritten (negative or huge), checksum recomputed",
                "negative, above 10,000, or more names than the blob has bytes for"),
        CATEGORY_LENGTH_CHECKSUM_FIXED("a category name's length rewritten (negative or huge), checksum recomputed",
                "negative, beyond 64 KiB, or longer than the blob"),
        ENCODING_WIDTH_CHECKSUM_FIXED("a category inserted into or removed from a category column with its count,"
                + " checksum recomputed", "the encoding's inputs no longer add up to the network's input width"),
        /** The one kind that must be accepted: another model, not a damaged one. */
        FLOATS_REWRITTEN("1 to 4 parameters rewritten to other finite floats, checksum recomputed", null);

        final String what;
        /** The format's rule that refuses the result; null for the kind that must be accepted. */
        final String refusedBecause;

        Kind(String what, String refusedBecause) {
            this.what = what;
            this.refusedBecause = refusedBecause;
        }

        /** Whether a blob of this layout has what this kind mutates. */
        boolean appliesTo(Layout layout) {
            return switch (this) {
                case ENCODED_FLAG_CHECKSUM_FIXED -> layout.version() >= 2;
                case ENCODING_KIND_CHECKSUM_FIXED, IMPUTATION_CODE_CHECKSUM_FIXED, CATEGORY_COUNT_CHECKSUM_FIXED ->
                        layout.encoded();
                case CATEGORY_LENGTH_CHECKSUM_FIXED -> layout.categoryNames() > 0;
                case ENCODING_WIDTH_CHECKSUM_FIXED -> layout.categoryColumns().length > 0;
                default -> true;
            };
        }
    }

    @Test
    @DisplayName(CASES + " seeded hostile blobs (seed " + SEED + ") through every reader:"
            + " 22000, or the exact model they encode")
    void hostileBlobsAreRefusedWith22000ByEveryReader() throws Exception {
        List<Base> bases = trainBases();
        for (Base base : bases) assertTheHarnessServesAnIntactCopy(base);

        // The cases run on a session of their own, each in a thread that a timeout abandons: a case that hangs
        // fails the run and names itself, and leaves behind a session that nothing else waits for.
        Connection fuzz = DriverManager.getConnection(url);
        Mutator mutator = new Mutator(new Random(SEED));
        Map<Kind, Integer> perKind = new EnumMap<>(Kind.class);
        Map<String, Integer> perBase = new TreeMap<>();
        Map<String, Integer> accepted = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long maxAllocated = 0;
        long start = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            Kind kind = Kind.values()[mutator.random.nextInt(Kind.values().length)];
            List<Base> eligible = bases.stream().filter(b -> kind.appliesTo(b.layout())).toList();
            Base base = eligible.get(mutator.random.nextInt(eligible.size()));
            Mutation mutation = mutator.mutate(kind, base);
            perKind.merge(kind, 1, Integer::sum);
            perBase.merge(base.name(), 1, Integer::sum);
            if (kind.refusedBecause == null) accepted.merge(base.name(), 1, Integer::sum);
            String name = String.format("hostile-%04d", i);
            boolean viaMlDeploy = i % 2 == 1;
            String where = "case " + i + " of seed " + SEED + " (" + kind + " of " + base.name() + ": "
                    + mutation.detail() + ")";

            Outcome outcome = assertTimeoutPreemptively(CASE_TIMEOUT, () -> {
                Allocation allocation = Allocation.counter();
                long before = allocation.bytes();
                insertVersion(fuzz, name, base, mutation.blob(), viaMlDeploy);
                List<String> problems = kind.refusedBecause != null
                        ? refusals(fuzz, name, base, viaMlDeploy)
                        : acceptance(fuzz, name, base, mutation, viaMlDeploy);
                return new Outcome(problems, allocation.bytes() - before);
            }, () -> where + " did not end within " + CASE_TIMEOUT.toSeconds() + " s");
            maxAllocated = Math.max(maxAllocated, outcome.allocated());
            List<String> problems = new ArrayList<>(outcome.problems());
            if (outcome.allocated() > ALLOCATION_BUDGET) problems.add("allocated " + outcome.allocated() + " bytes");
            if (!problems.isEmpty()) {
                failures.add(where + ": " + problems.size() + " problem(s), the first: " + problems.get(0));
                if (failures.size() == 20) break;
            }
        }
        fuzz.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("HostileBlobSqlTest: %d cases from seed %d in %.1f s, at most %d KiB allocated per case; %s;"
                        + " per base %s, of which to be accepted %s%n",
                CASES, SEED, seconds, maxAllocated >> 10, perKind, perBase, accepted);

        assertTrue(failures.isEmpty(), () -> failures.size() + " failing case(s)"
                + (failures.size() == 20 ? " (the run stopped at 20)" : "") + ":\n  " + String.join("\n  ", failures));
        assertEquals(Kind.values().length, perKind.size(), () -> "every kind of mutation ran: " + perKind);
    }

    /** What went wrong in a case, and the bytes its thread allocated. */
    private record Outcome(List<String> problems, long allocated) {
    }

    /** Inserts {@code blob} as version 1 of {@code name}, with the rest of {@code base}'s row, and deploys it. */
    private static void insertVersion(Connection db, String name, Base base, byte[] blob, boolean viaMlDeploy)
            throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO SQLNN.MODELS (NAME, VERSION, TASK,"
                + " OPTIONS, INPUT_WIDTH, LAYERS, CLASSES, METRICS, TRAIN_ROWS, TRAIN_SECONDS, DEPLOYED, WEIGHTS)"
                + " SELECT ?, 1, TASK, OPTIONS, INPUT_WIDTH, LAYERS, CLASSES, METRICS, TRAIN_ROWS, TRAIN_SECONDS, ?, ?"
                + " FROM SQLNN.MODELS WHERE NAME = ? AND VERSION = 1")) {
            insert.setString(1, name);
            insert.setBoolean(2, !viaMlDeploy);
            insert.setBytes(3, blob);
            insert.setString(4, base.name());
            assertEquals(1, insert.executeUpdate());
        }
        if (viaMlDeploy) {
            // Records the deployment (the DEPLOYED flag and a DEPLOYMENTS row) and makes the cache ask again
            // which model is the default, so that one-argument PREDICT reads this row too.
            assertEquals(1L, one(db, "SELECT ML_DEPLOY(?, 1)", name));
        } else {
            // What ModelStore.deploy writes, behind sqlnn's back: a hostile writer needs no sqlnn at all.
            try (PreparedStatement deploy = db.prepareStatement(
                    "INSERT INTO SQLNN.DEPLOYMENTS (NAME, VERSION) VALUES (?, 1)")) {
                deploy.setString(1, name);
                deploy.executeUpdate();
            }
        }
    }

    /** The single value of a query's single row, on {@code db}. */
    private static Object one(Connection db, String sql, Object... parameters) throws SQLException {
        List<Object[]> rows = rows(db, sql, parameters);
        assertEquals(1, rows.size(), () -> "rows of " + sql);
        return rows.get(0)[0];
    }

    /** One SQL call of a reader, and the function its errors must name. */
    private record Reader(String function, String sql) {
    }

    /** Every function that loads a model, called on {@code name} as {@code base}'s model would be. */
    private static List<Reader> readers(String name, Base base, boolean isDefault) {
        String n = quote(name);
        String x = base.featuresSql();
        List<Reader> readers = new ArrayList<>(List.of(
                new Reader("PREDICT", "SELECT PREDICT(" + n + ", " + x + ")"),
                new Reader("PREDICT_LABEL", "SELECT PREDICT_LABEL(" + n + ", " + x + ")"),
                new Reader("PREDICT_VALUE", "SELECT PREDICT_VALUE(" + n + ", " + x + ")"),
                new Reader("PREDICT_PROBA", "SELECT PREDICT_PROBA(" + n + ", " + x + ")"),
                new Reader("ML_PREDICT", "SELECT * FROM ML_PREDICT(" + n + ", " + quote(base.predictQuery()) + ")"),
                new Reader("ML_EVALUATE", "SELECT * FROM ML_EVALUATE(" + n + ", " + quote(base.evaluateQuery()) + ")"),
                new Reader("ML_CONFUSION_MATRIX", "SELECT * FROM ML_CONFUSION_MATRIX(" + n + ", "
                        + quote(base.evaluateQuery()) + ")"),
                new Reader("ML_ROC_CURVE", "SELECT * FROM ML_ROC_CURVE(" + n + ", " + quote(base.evaluateQuery())
                        + ", " + quote(base.rocClass()) + ")"),
                new Reader("ML_WEIGHTS", "SELECT * FROM ML_WEIGHTS(" + n + ")"),
                new Reader("ML_WEIGHTS", "SELECT * FROM ML_WEIGHTS(" + n + ", 1)")));
        if (isDefault) readers.add(new Reader("PREDICT", "SELECT PREDICT(" + base.defaultFeaturesSql() + ")"));
        return readers;
    }

    /** What went wrong when the readers were to refuse the blob; empty when each refused it as it should. */
    private static List<String> refusals(Connection db, String name, Base base, boolean isDefault) {
        List<String> problems = new ArrayList<>();
        for (Reader reader : readers(name, base, isDefault)) {
            String problem = refusalProblem(db, reader, name);
            if (problem != null) problems.add(reader.sql() + " " + problem);
        }
        return problems;
    }

    /** Null when {@code reader} fails with 22000, its function's name, the damaged version and the decoder's message. */
    private static String refusalProblem(Connection db, Reader reader, String name) {
        try {
            List<Object[]> result = rows(db, reader.sql());
            return "answered " + (result.size() == 1 ? Arrays.deepToString(result.get(0)) : result.size() + " rows");
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage()).replaceFirst("(?s); SQL statement:.*", "");
            if (!SqlErrors.DAMAGED_MODEL.equals(e.getSQLState())) {
                return "failed with SQLState " + e.getSQLState() + ": " + message;
            }
            String prefix = reader.function() + ": ";
            if (!message.startsWith(prefix)) return "failed without naming " + reader.function() + ": " + message;
            String rest = message.substring(prefix.length());
            // The registry names the version; then what ModelCodec and BlobReader found, which starts with one of these.
            String damaged = "model " + name + " version 1 is damaged and cannot be used"
                    + " (train it again, or deploy another version): ";
            if (!rest.startsWith(damaged)) return "failed with 22000 without naming the damaged version: " + message;
            rest = rest.substring(damaged.length());
            if (!rest.startsWith("model blob ") && !rest.startsWith("not an sqlnn model")) {
                return "failed with 22000 but not for the blob: " + message;
            }
            return null;
        } catch (Throwable t) { // an Error through JDBC is a finding, not the end of the run
            return "threw " + t;
        }
    }

    /**
     * What went wrong when the readers were to accept a legitimately different model; empty when it
     * decodes to exactly the floats written and every reader answers as that model does.
     */
    private static List<String> acceptance(Connection db, String name, Base base, Mutation mutation, boolean isDefault)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        Model model;
        try {
            model = ModelCodec.decode(mutation.blob());
        } catch (RuntimeException e) {
            problems.add("ModelCodec.decode refused a valid blob: " + e);
            return problems;
        }
        float[] expected = parameters(ModelCodec.decode(base.blob()));
        mutation.floats().forEach((index, value) -> expected[index] = value);
        if (!Arrays.equals(bits(expected), bits(parameters(model)))) {
            problems.add("decodes to other parameters than the ones written");
        }
        Network net = model.network();
        String expectedWeights = expectedWeightRows(net.sizes(), weightsOf(net), biasesOf(net));
        for (String sql : List.of("SELECT * FROM ML_WEIGHTS(" + quote(name) + ")",
                "SELECT * FROM ML_WEIGHTS(" + quote(name) + ", 1)")) {
            if (!expectedWeights.equals(describe(rows(db, sql)))) problems.add(sql + " differs from the decoded network");
        }

        double[] outputs = forward(model, base.features());
        String n = quote(name);
        String x = base.featuresSql();
        if (model.task() == Task.REGRESSION) {
            double value = outputs[0] * model.targetScale() + model.targetShift();
            double got = ((Number) one(db, "SELECT PREDICT_VALUE(" + n + ", " + x + ")")).doubleValue();
            if (Math.abs(got - value) > 1e-4 * Math.max(1, Math.abs(value))) {
                problems.add("PREDICT_VALUE gave " + got + ", the model " + value);
            }
        } else {
            float[] proba = floats(one(db, "SELECT PREDICT_PROBA(" + n + ", " + x + ")"));
            for (int c = 0; c < outputs.length; c++) {
                if (!(Math.abs(proba[c] - outputs[c]) <= 1e-4)) {
                    problems.add("PREDICT_PROBA gave " + Arrays.toString(proba) + ", the model " + Arrays.toString(outputs));
                    break;
                }
            }
            int best = argMax(outputs);
            if (clearWinner(outputs, best)) {
                String label = model.classes().get(best);
                Object got = one(db, "SELECT PREDICT_LABEL(" + n + ", " + x + ")");
                if (!label.equals(got)) problems.add("PREDICT_LABEL gave " + got + ", the model " + label);
                if (model.labelKind() == LabelKind.INTEGER) {
                    Object predicted = one(db, "SELECT PREDICT(" + n + ", " + x + ")");
                    if (!Integer.valueOf(label).equals(predicted)) {
                        problems.add("PREDICT gave " + predicted + ", the model " + label);
                    }
                    if (isDefault && !Integer.valueOf(label).equals(one(db, "SELECT PREDICT(" + base.defaultFeaturesSql() + ")"))) {
                        problems.add("one-argument PREDICT disagrees with the model");
                    }
                }
            }
        }
        int rows = rows(db, "SELECT * FROM ML_PREDICT(" + n + ", " + quote(base.predictQuery()) + ")").size();
        if (rows != 5) problems.add("ML_PREDICT gave " + rows + " rows of 5");
        if (rows(db, "SELECT * FROM ML_EVALUATE(" + n + ", " + quote(base.evaluateQuery()) + ")").isEmpty()) {
            problems.add("ML_EVALUATE gave no rows");
        }
        return problems;
    }

    /**
     * Before any mutant: the unchanged blob of each base, inserted and deployed the way the cases are,
     * answers exactly like the base itself, so that a refusal is the blob's doing and not the harness's.
     */
    private void assertTheHarnessServesAnIntactCopy(Base base) throws SQLException {
        for (boolean viaMlDeploy : new boolean[] {false, true}) {
            String copy = "intact-" + base.name() + (viaMlDeploy ? "-deployed" : "-inserted");
            insertVersion(connection, copy, base, base.blob(), viaMlDeploy);
            for (String reader : List.of("ML_WEIGHTS(%s)", "ML_WEIGHTS(%s, 1)")) {
                assertEquals(describe(rows("SELECT * FROM " + reader.formatted(quote(base.name())))),
                        describe(rows("SELECT * FROM " + reader.formatted(quote(copy)))), reader);
            }
            String scalar = base.task() == Task.REGRESSION ? "PREDICT_VALUE(%s, %s)" : "PREDICT_PROBA(%s, %s)";
            String x = base.featuresSql();
            assertEquals(Arrays.deepToString(rows("SELECT " + scalar.formatted(quote(base.name()), x)).get(0)),
                    Arrays.deepToString(rows("SELECT " + scalar.formatted(quote(copy), x)).get(0)));
            assertEquals(5, rows("SELECT * FROM ML_PREDICT(" + quote(copy) + ", " + quote(base.predictQuery()) + ")")
                    .size());
            if (viaMlDeploy && base.blob()[CODES_AT + 1] == LabelKind.INTEGER.code) {
                // The copy is the default model now: one-argument PREDICT reads it.
                assertEquals(value("SELECT PREDICT(" + quote(base.name()) + ", " + base.featuresSql() + ")"),
                        value("SELECT PREDICT(" + base.defaultFeaturesSql() + ")"));
            }
        }
    }

    // ---------------------------------------------------------------- the valid blobs

    /**
     * A valid model row to mutate: its blob, where the blob's fields are, and how to call the readers
     * on it (the features after the model's name, the one argument of one-argument PREDICT, the network's
     * input for those features, a query for ML_PREDICT, one with the label for ML_EVALUATE).
     */
    private record Base(String name, byte[] blob, Layout layout, Task task, String featuresSql, String defaultFeaturesSql,
                        double[] features, String predictQuery, String evaluateQuery, String rocClass) {
    }

    private List<Base> trainBases() throws Exception {
        createBlobs("blobs", 150, 41);
        createPlane("plane", 150, 42);
        String options = "{\"hidden\":[16],\"epochs\":3,\"seed\":7}";
        train("columns", "SELECT a, b, y FROM blobs", options);
        train("array", "SELECT features, y FROM blobs", options);
        train("bytes", "SELECT pixels, y FROM blobs", options);
        train("text", "SELECT a, b, name FROM blobs", options);
        train("regression", "SELECT a, b, y FROM plane", options);
        // A text column and NULLs in both columns: a number imputed by its mean, and a category with a NULL slot.
        execute("CREATE TABLE cats AS SELECT id, CASE WHEN MOD(id, 7) = 0 THEN NULL ELSE a END AS a,"
                + " CASE WHEN MOD(id, 3) = 0 THEN 'x' WHEN MOD(id, 5) = 0 THEN NULL ELSE 'y' END AS c, y FROM blobs");
        train("categories", "SELECT a, c, y FROM cats", options);
        insertGolden(golden());
        execute("CREATE TABLE birds (ID INT, \"wingspan\" DOUBLE PRECISION, \"beak\" DOUBLE PRECISION,"
                + " \"Höhe\" DOUBLE PRECISION, SPECIES VARCHAR(10))");
        execute("INSERT INTO birds SELECT ID, A, B, A - B, CASE WHEN Y = 0 THEN 'bird' ELSE 'Möwe' END FROM blobs");

        double[] point = CENTRES[0];
        String blobs = " FROM blobs WHERE ID <= 5";
        List<Base> bases = new ArrayList<>();
        bases.add(base("columns", Task.CLASSIFICATION, sqlArray(point), point,
                "SELECT id, a, b" + blobs, "SELECT a, b, y" + blobs, "0"));
        bases.add(base("array", Task.CLASSIFICATION, sqlArray(point), point,
                "SELECT id, features" + blobs, "SELECT features, y" + blobs, "1"));
        bases.add(base("bytes", Task.CLASSIFICATION, pixels(point), new double[] {pixel(point[0]), pixel(point[1])},
                "SELECT id, pixels" + blobs, "SELECT pixels, y" + blobs, "2"));
        bases.add(base("text", Task.CLASSIFICATION, sqlArray(point), point,
                "SELECT id, a, b" + blobs, "SELECT a, b, name" + blobs, "north"));
        bases.add(base("regression", Task.REGRESSION, "ARRAY[0.25, -0.5]", new double[] {0.25, -0.5},
                "SELECT a, b FROM plane LIMIT 5", "SELECT a, b, y FROM plane LIMIT 5", "0"));
        bases.add(base("golden", Task.CLASSIFICATION, sqlArray(GOLDEN_POINT), GOLDEN_POINT,
                "SELECT * FROM birds WHERE ID <= 5",
                "SELECT \"wingspan\", \"beak\", \"Höhe\", species FROM birds WHERE ID <= 5",
                "bird"));
        // A NULL for the number (its fill stands in) and 'x' for the category, passed one by one; one-argument
        // PREDICT takes them as an ARRAY.
        String cats = " FROM cats WHERE ID IN (1, 3, 5, 7, 10)";
        Base categories = base("categories", Task.CLASSIFICATION, "NULL, 'x'", "ARRAY[NULL, 'x']", null,
                "SELECT id, a, c" + cats, "SELECT a, c, y" + cats, "0");
        bases.add(new Base(categories.name(), categories.blob(), categories.layout(), categories.task(),
                categories.featuresSql(), categories.defaultFeaturesSql(), categories.layout().input(null, "x"),
                categories.predictQuery(), categories.evaluateQuery(), categories.rocClass()));

        // What the format gives each: version 2 with an encoding of the plain columns, none for an ARRAY or VARBINARY.
        for (Base base : bases) {
            Layout layout = base.layout();
            boolean plain = !Set.of("array", "bytes", "golden").contains(base.name());
            assertEquals(base.name().equals("golden") ? 1 : 2, layout.version(), base.name() + "'s format version");
            assertEquals(plain, layout.encoded(), base.name() + " has an encoding");
        }
        assertEquals(List.of(NUMBER, CATEGORY), Arrays.stream(categories.layout().kinds()).boxed().toList());
        assertEquals(Set.of("x", "y"), Set.copyOf(categories.layout().categories().get(1)), "the categories kept");
        assertEquals(1 + 2 + 2, categories.layout().sizes()[0], "a number, and two categories with 'other' and NULL");
        return bases;
    }

    private Base base(String name, Task task, String featuresSql, double[] features, String predictQuery,
                      String evaluateQuery, String rocClass) throws SQLException {
        return base(name, task, featuresSql, featuresSql, features, predictQuery, evaluateQuery, rocClass);
    }

    private Base base(String name, Task task, String featuresSql, String defaultFeaturesSql, double[] features,
                      String predictQuery, String evaluateQuery, String rocClass) throws SQLException {
        byte[] blob = (byte[]) value("SELECT WEIGHTS FROM SQLNN.MODELS WHERE NAME = ? AND VERSION = 1", name);
        Layout layout = Layout.of(blob);
        assertEquals(task.code, blob[CODES_AT], name + "'s task");
        return new Base(name, blob, layout, task, featuresSql, defaultFeaturesSql, features, predictQuery, evaluateQuery,
                rocClass);
    }

    /**
     * Where the fields of a valid version 1 or 2 blob are; read by the documented layout from a blob known
     * to be valid. {@code flagAt} is -1 in version 1; the encoding's arrays (one entry per feature column)
     * are empty without an encoding: where each column's entry starts (kind at +0, imputation +1, fill +2,
     * category count +6), its kind, imputation and fill, where its category names' lengths are, and the names.
     */
    private record Layout(int version, int[] sizes, int featureKindAt, int classCountAt, int[] classLengthAt,
                          int featureCountAt, int[] featureLengthAt, int flagAt, int[] columnAt, int[] kinds,
                          int[] imputations, float[] fills, int[][] categoryLengthAt, List<List<String>> categories,
                          int parametersAt, int checksumAt) {

        static Layout of(byte[] blob) {
            ByteBuffer le = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
            int version = le.getShort(VERSION_AT);
            assertTrue(version >= FIRST_VERSION && version <= LAST_VERSION, "format version " + version);
            int[] sizes = new int[Short.toUnsignedInt(le.getShort(SIZE_COUNT_AT))];
            for (int i = 0; i < sizes.length; i++) sizes[i] = le.getInt(SIZES_AT + 4 * i);
            int featureKindAt = SIZES_AT + 4 * sizes.length;
            int at = featureKindAt + 2 + 2 * Double.BYTES; // feature kind, scaling, target shift and scale
            int classCountAt = at;
            int[] classLengthAt = new int[le.getInt(at)];
            at += 4;
            for (int i = 0; i < classLengthAt.length; i++) {
                classLengthAt[i] = at;
                at += 4 + le.getInt(at);
            }
            int featureCountAt = at;
            int[] featureLengthAt = new int[le.getInt(at)];
            at += 4;
            for (int i = 0; i < featureLengthAt.length; i++) {
                featureLengthAt[i] = at;
                at += 4 + le.getInt(at);
            }
            int flagAt = -1;
            int columns = 0;
            if (version >= 2) {
                flagAt = at++;
                assertTrue(blob[flagAt] == 0 || blob[flagAt] == 1, "the encoding flag is 0 or 1");
                if (blob[flagAt] == 1) columns = featureLengthAt.length;
            }
            int[] columnAt = new int[columns];
            int[] kinds = new int[columns];
            int[] imputations = new int[columns];
            float[] fills = new float[columns];
            int[][] categoryLengthAt = new int[columns][];
            List<List<String>> categories = new ArrayList<>();
            int inputs = 0;
            for (int c = 0; c < columns; c++) {
                columnAt[c] = at;
                kinds[c] = blob[at];
                imputations[c] = blob[at + 1];
                fills[c] = le.getFloat(at + 2);
                categoryLengthAt[c] = new int[le.getInt(at + 6)];
                at += 10;
                List<String> names = new ArrayList<>();
                for (int k = 0; k < categoryLengthAt[c].length; k++) {
                    categoryLengthAt[c][k] = at;
                    int length = le.getInt(at);
                    names.add(new String(blob, at + 4, length, StandardCharsets.UTF_8));
                    at += 4 + length;
                }
                categories.add(List.copyOf(names));
                inputs += kinds[c] == NUMBER ? 1 : names.size() + 2;
            }
            Layout layout = new Layout(version, sizes, featureKindAt, classCountAt, classLengthAt, featureCountAt,
                    featureLengthAt, flagAt, columnAt, kinds, imputations, fills, categoryLengthAt, List.copyOf(categories),
                    at, blob.length - 4);
            assertEquals(blob.length, at + parameterBytes(sizes) + 4, "the documented layout accounts for every byte");
            if (columns > 0) assertEquals(sizes[0], inputs, "the encoding's inputs are the network's");
            return layout;
        }

        int outputWidth() {
            return sizes[sizes.length - 1];
        }

        boolean encoded() {
            return columnAt.length > 0;
        }

        /** The encoded columns that are categories. */
        int[] categoryColumns() {
            return java.util.stream.IntStream.range(0, kinds.length).filter(c -> kinds[c] == CATEGORY).toArray();
        }

        int categoryNames() {
            return Arrays.stream(categoryLengthAt).mapToInt(a -> a.length).sum();
        }

        /** Column {@code c}'s inputs: 1 for a number, its categories + 2 ("other" and NULL) for a category. */
        static int width(int kind, int categories) {
            return kind == NUMBER ? 1 : categories + 2;
        }

        /**
         * The network's input for a row of the plain columns' values (Number, String, or null for NULL), by the
         * documented encoding: a number as it is, its fill for NULL; a category one-hot over its categories,
         * then "other" for a value it does not keep, then NULL.
         */
        double[] input(Object... values) {
            assertEquals(kinds.length, values.length);
            double[] input = new double[sizes[0]];
            int at = 0;
            for (int c = 0; c < kinds.length; c++) {
                if (kinds[c] == NUMBER) {
                    input[at++] = values[c] == null ? fills[c] : ((Number) values[c]).doubleValue();
                } else {
                    List<String> kept = categories.get(c);
                    int slot = values[c] == null ? kept.size() + 1
                            : kept.contains(values[c]) ? kept.indexOf(values[c]) : kept.size();
                    input[at + slot] = 1;
                    at += kept.size() + 2;
                }
            }
            return input;
        }
    }

    /** The bytes of the preprocessing and the layers' parameters of a network of these sizes, by the documented layout. */
    static long parameterBytes(int[] sizes) {
        long floats = 2L * sizes[0];
        for (int l = 0; l + 1 < sizes.length; l++) floats += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        return 4 * floats;
    }

    // ---------------------------------------------------------------- the mutator

    /**
     * A mutated blob; {@code floats} are the parameters a {@link Kind#FLOATS_REWRITTEN} case wrote, by
     * index in the blob's parameter order (shifts, factors, then each layer's weights and biases).
     */
    private record Mutation(byte[] blob, String detail, Map<Integer, Float> floats) {
        Mutation(byte[] blob, String detail) {
            this(blob, detail, Map.of());
        }
    }

    /** Builds each kind's mutant and checks, on the mutant itself, the rule that must refuse it. */
    private static final class Mutator {

        final Random random;

        Mutator(Random random) {
            this.random = random;
        }

        Mutation mutate(Kind kind, Base base) {
            byte[] blob = base.blob();
            Layout layout = base.layout();
            return switch (kind) {
                case BIT_FLIPS -> {
                    byte[] b = blob.clone();
                    Set<Integer> bits = new TreeSet<>();
                    int count = 1 + random.nextInt(8);
                    while (bits.size() < count) bits.add(random.nextInt(8 * b.length));
                    for (int bit : bits) b[bit >> 3] ^= (byte) (1 << (bit & 7));
                    yield checksumBroken(b, "bits " + bits);
                }
                case BYTES_OVERWRITTEN -> {
                    byte[] b = blob.clone();
                    int n = 1 + random.nextInt(8);
                    int at = random.nextInt(b.length - n + 1);
                    for (int k = 0; k < n; k++) b[at + k] = (byte) (b[at + k] + 1 + random.nextInt(255));
                    yield checksumBroken(b, n + " bytes at " + at);
                }
                case TRUNCATED -> {
                    // Half of the cuts fall in the header, where a decoder has the most to get wrong.
                    int bound = random.nextBoolean() ? layout.parametersAt() + 8 : blob.length;
                    int length = random.nextInt(Math.min(bound, blob.length));
                    byte[] b = Arrays.copyOf(blob, length);
                    yield length < ENVELOPE_BYTES ? new Mutation(b, "cut to " + length + " bytes")
                            : checksumBroken(b, "cut to " + length + " bytes");
                }
                case BYTES_APPENDED -> {
                    byte[] extra = randomBytes(1 + random.nextInt(64));
                    yield checksumBroken(splice(blob, blob.length, 0, extra), extra.length + " bytes appended");
                }
                case PADDED_CHECKSUM_FIXED -> {
                    byte[] extra = randomBytes(1 + random.nextInt(64));
                    byte[] b = fixChecksum(splice(blob, layout.checksumAt(), 0, extra));
                    yield new Mutation(b, extra.length + " bytes before the checksum; the header declares " + blob.length);
                }
                case FLOATS_CUT_CHECKSUM_FIXED -> {
                    int parameters = layout.checksumAt() - layout.parametersAt();
                    int n = 1 + random.nextInt(Math.min(64, parameters));
                    int at = layout.parametersAt() + random.nextInt(parameters - n + 1);
                    byte[] b = fixChecksum(splice(blob, at, n, new byte[0]));
                    yield new Mutation(b, n + " bytes cut at " + at + "; the header declares " + blob.length);
                }
                case MAGIC_CHECKSUM_FIXED -> {
                    byte[] b = blob.clone();
                    String detail;
                    if (random.nextBoolean()) {
                        int at = random.nextInt(MAGIC.length);
                        b[at] ^= (byte) (1 + random.nextInt(255));
                        detail = "magic byte " + at + " changed";
                    } else {
                        String[] others = {"PK\3\4\24\0\0\0", "\u0089PNG\r\n\u001a\n", "%PDF-1.7", "\0\0\0\0\0\0\0\0",
                            "sqlnnmdl", "SQLNNMD\0"};
                        String other = others[random.nextInt(others.length)];
                        System.arraycopy(other.getBytes(StandardCharsets.ISO_8859_1), 0, b, 0, MAGIC.length);
                        detail = "magic " + other.replaceAll("\\p{Cntrl}", "?");
                    }
                    require(!Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length), "the magic is still there");
                    yield new Mutation(fixChecksum(b), detail);
                }
                case VERSION_CHECKSUM_FIXED -> {
                    // The other readable version too: the flag byte is then one too many, or one too few.
                    int[] pool = {0, FIRST_VERSION, LAST_VERSION, LAST_VERSION + 1, 0x0100, 0xFFFF,
                        LAST_VERSION + 1 + random.nextInt(0xFFFF - LAST_VERSION)};
                    int version;
                    do {
                        version = pool[random.nextInt(pool.length)];
                    } while (version == layout.version());
                    require(version != layout.version(), "the blob's own version");
                    byte[] b = blob.clone();
                    le(b).putShort(VERSION_AT, (short) version);
                    yield new Mutation(fixChecksum(b), "version " + version);
                }
                case ENUM_CODE_CHECKSUM_FIXED -> {
                    int[] offsets = {CODES_AT, CODES_AT + 1, CODES_AT + 2, CODES_AT + 3, layout.featureKindAt(),
                        layout.featureKindAt() + 1};
                    int at = offsets[random.nextInt(offsets.length)];
                    int code = MAX_CODE + 1 + random.nextInt(255 - MAX_CODE);
                    byte[] b = blob.clone();
                    b[at] = (byte) code;
                    yield new Mutation(fixChecksum(b), "code " + code + " at " + at);
                }
                case LAYER_COUNT_CHECKSUM_FIXED -> {
                    int[] pool = {0, 1, MAX_LAYERS + 2, 0x8000, 0xFFFF,
                        MAX_LAYERS + 2 + random.nextInt(0xFFFF - MAX_LAYERS - 1)};
                    int count = pool[random.nextInt(pool.length)];
                    require(count < 2 || count > MAX_LAYERS + 1, "a count within the limits");
                    byte[] b = blob.clone();
                    le(b).putShort(SIZE_COUNT_AT, (short) count);
                    yield new Mutation(fixChecksum(b), count + " layer sizes declared");
                }
                case LAYER_ADDED_OR_REMOVED_CHECKSUM_FIXED -> {
                    int[] sizes = layout.sizes();
                    for (int attempt = 0; attempt < 100; attempt++) {
                        boolean remove = sizes.length > 2 && random.nextBoolean();
                        int at = random.nextInt(sizes.length + (remove ? 0 : 1));
                        int width = 1 + random.nextInt(64);
                        int[] lying = remove ? without(sizes, at) : with(sizes, at, width);
                        if (parameterBytes(lying) == parameterBytes(sizes)) continue; // no lie about the length
                        byte[] b = remove ? splice(blob, SIZES_AT + 4 * at, 4, new byte[0])
                                : splice(blob, SIZES_AT + 4 * at, 0, intBytes(width));
                        le(b).putShort(SIZE_COUNT_AT, (short) lying.length);
                        yield new Mutation(fixChecksum(b),
                                "sizes " + Arrays.toString(sizes) + " became " + Arrays.toString(lying));
                    }
                    throw new AssertionError("mutator bug: no layer to add or remove changes the length");
                }
                case LAYER_WIDTH_CHECKSUM_FIXED -> {
                    int[] sizes = layout.sizes();
                    int at = random.nextInt(sizes.length);
                    int old = sizes[at];
                    int[] pool = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, MAX_WIDTH, MAX_WIDTH + 1, 1 << 20, 65536,
                        old + 1, old - 1, 1, random.nextInt()};
                    int width;
                    do {
                        width = pool[random.nextInt(pool.length)];
                    } while (width == old);
                    int[] lying = sizes.clone();
                    lying[at] = width;
                    require(width < 1 || width > MAX_WIDTH || parameterBytes(lying) != parameterBytes(sizes),
                            "a width that keeps the length");
                    byte[] b = blob.clone();
                    le(b).putInt(SIZES_AT + 4 * at, width);
                    yield new Mutation(fixChecksum(b), "width " + at + " of " + Arrays.toString(sizes) + " became " + width);
                }
                case LAYER_WIDTHS_SWAPPED_CHECKSUM_FIXED -> {
                    int[] sizes = layout.sizes();
                    List<int[]> pairs = new ArrayList<>();
                    for (int i = 0; i < sizes.length; i++) {
                        for (int j = i + 1; j < sizes.length; j++) {
                            if (parameterBytes(swapped(sizes, i, j)) != parameterBytes(sizes)) pairs.add(new int[] {i, j});
                        }
                    }
                    require(!pairs.isEmpty(), "no swap of " + Arrays.toString(sizes) + " changes the length");
                    int[] pair = pairs.get(random.nextInt(pairs.size()));
                    byte[] b = blob.clone();
                    le(b).putInt(SIZES_AT + 4 * pair[0], sizes[pair[1]]).putInt(SIZES_AT + 4 * pair[1], sizes[pair[0]]);
                    yield new Mutation(fixChecksum(b), Arrays.toString(sizes) + " became "
                            + Arrays.toString(swapped(sizes, pair[0], pair[1])));
                }
                case CLASS_COUNT_CHECKSUM_FIXED -> {
                    int[] pool = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, MAX_CLASSES, MAX_CLASSES + 1, 1 << 30,
                        blob.length / 4 + 1 + random.nextInt(1000)};
                    int count = pool[random.nextInt(pool.length)];
                    require(count < 0 || 4L * count > blob.length, "a class count the blob could hold");
                    byte[] b = blob.clone();
                    le(b).putInt(layout.classCountAt(), count);
                    yield new Mutation(fixChecksum(b), count + " classes declared");
                }
                case CLASS_ADDED_OR_REMOVED_CHECKSUM_FIXED -> {
                    int classes = layout.classLengthAt().length;
                    boolean remove = classes > 0 && random.nextBoolean();
                    int at = random.nextInt(classes + (remove ? 0 : 1));
                    int entryAt = at < classes ? layout.classLengthAt()[at] : layout.featureCountAt();
                    byte[] b;
                    String detail;
                    if (remove) {
                        int entryBytes = 4 + le(blob).getInt(entryAt);
                        b = splice(blob, entryAt, entryBytes, new byte[0]);
                        detail = "class " + at + " of " + classes + " removed";
                    } else {
                        // A name no class has: a number for integer labels, so that only the count is wrong.
                        String name = blob[CODES_AT + 1] == LabelKind.INTEGER.code
                                ? String.valueOf(1000 + random.nextInt(9000)) : "extra-" + random.nextInt(1000);
                        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                        b = splice(blob, entryAt, 0, concat(intBytes(utf8.length), utf8));
                        detail = "class " + name + " inserted at " + at + " of " + classes;
                    }
                    int count = classes + (remove ? -1 : 1);
                    le(b).putInt(layout.classCountAt(), count);
                    boolean classifier = blob[CODES_AT] == Task.CLASSIFICATION.code;
                    require(classifier ? count != layout.outputWidth() : count != 0, "as many classes as the model needs");
                    yield new Mutation(fixChecksum(b), detail + " for " + layout.outputWidth() + " outputs");
                }
                case NAME_LENGTH_CHECKSUM_FIXED -> {
                    int[] classes = layout.classLengthAt();
                    int[] features = layout.featureLengthAt();
                    int which = random.nextInt(classes.length + features.length);
                    int at = which < classes.length ? classes[which] : features[which - classes.length];
                    int[] pool = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, MAX_NAME_BYTES + 1, blob.length,
                        blob.length + random.nextInt(1 << 20)};
                    int length = pool[random.nextInt(pool.length)];
                    require(length < 0 || length > MAX_NAME_BYTES || length >= blob.length, "a name length that fits");
                    byte[] b = blob.clone();
                    le(b).putInt(at, length);
                    yield new Mutation(fixChecksum(b), (which < classes.length ? "class " + which
                            : "feature " + (which - classes.length)) + " name length " + length);
                }
                case FEATURE_COUNT_CHECKSUM_FIXED -> {
                    int width = layout.sizes()[0];
                    int[] pool = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, width + 1, width + 2, 2, 3, MAX_WIDTH,
                        random.nextInt()};
                    // Version 2 reads 1 to the width names, whatever the flag after them says: counts in between
                    // are left out there, as nothing but chance would refuse them.
                    IntPredicate refused = layout.version() == 1 ? c -> c != 1 && c != width : c -> c < 1 || c > width;
                    int count;
                    do {
                        count = pool[random.nextInt(pool.length)];
                    } while (!refused.test(count));
                    byte[] b = blob.clone();
                    le(b).putInt(layout.featureCountAt(), count);
                    yield new Mutation(fixChecksum(b), count + " feature names for " + width + " features");
                }
                case ENCODED_FLAG_CHECKSUM_FIXED -> {
                    int old = blob[layout.flagAt()];
                    int[] pool = {2, 3, 0x7F, 0x80, 0xFF, 2 + random.nextInt(254), old ^ 1};
                    int flag = pool[random.nextInt(pool.length)];
                    require(flag != old && flag >= 0 && flag <= 0xFF, "the same flag");
                    byte[] b = blob.clone();
                    b[layout.flagAt()] = (byte) flag;
                    yield new Mutation(fixChecksum(b), "encoding flag " + old + " became " + flag);
                }
                case ENCODING_KIND_CHECKSUM_FIXED -> {
                    int c = random.nextInt(layout.kinds().length);
                    int old = layout.kinds()[c];
                    int[] pool = {2, 3, 0x80, 0xFF, 2 + random.nextInt(254), old ^ 1};
                    int code = pool[random.nextInt(pool.length)];
                    int categories = layout.categoryLengthAt()[c].length;
                    require(code > CATEGORY || Layout.width(code, categories) != Layout.width(old, categories)
                            || (code == NUMBER && categories > 0), "a kind of the same width");
                    byte[] b = blob.clone();
                    b[layout.columnAt()[c]] = (byte) code;
                    yield new Mutation(fixChecksum(b), "column " + c + "'s kind " + old + " became " + code);
                }
                case IMPUTATION_CODE_CHECKSUM_FIXED -> {
                    int c = random.nextInt(layout.kinds().length);
                    int old = layout.imputations()[c];
                    // For a number: missing; for a category: mean, median or zero.
                    int wrong = layout.kinds()[c] == NUMBER ? MISSING : random.nextInt(MISSING);
                    int[] pool = {MAX_IMPUTATION_CODE + 1, 0x80, 0xFF, MAX_IMPUTATION_CODE + 1
                        + random.nextInt(0xFF - MAX_IMPUTATION_CODE), wrong};
                    int code = pool[random.nextInt(pool.length)];
                    require(code > MAX_IMPUTATION_CODE || (layout.kinds()[c] == NUMBER ? code == MISSING : code < MISSING),
                            "an imputation the column may have");
                    byte[] b = blob.clone();
                    b[layout.columnAt()[c] + 1] = (byte) code;
                    yield new Mutation(fixChecksum(b), "column " + c + "'s imputation " + old + " became " + code);
                }
                case CATEGORY_COUNT_CHECKSUM_FIXED -> {
                    int c = random.nextInt(layout.kinds().length);
                    int[] pool = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, MAX_CATEGORIES + 1, 1 << 30,
                        MAX_CATEGORIES, blob.length / 4 + 1 + random.nextInt(1000)};
                    int count = pool[random.nextInt(pool.length)];
                    require(count < 0 || count > MAX_CATEGORIES || 4L * count > blob.length, "a category count that fits");
                    byte[] b = blob.clone();
                    le(b).putInt(layout.columnAt()[c] + 6, count);
                    yield new Mutation(fixChecksum(b), "column " + c + " (kind " + layout.kinds()[c] + ") declares "
                            + count + " categories");
                }
                case CATEGORY_LENGTH_CHECKSUM_FIXED -> {
                    List<Integer> lengths = new ArrayList<>();
                    for (int[] column : layout.categoryLengthAt()) for (int at : column) lengths.add(at);
                    int at = lengths.get(random.nextInt(lengths.size()));
                    int[] pool = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, MAX_NAME_BYTES + 1, blob.length,
                        blob.length + random.nextInt(1 << 20)};
                    int length = pool[random.nextInt(pool.length)];
                    require(length < 0 || length > MAX_NAME_BYTES || length >= blob.length, "a name length that fits");
                    byte[] b = blob.clone();
                    le(b).putInt(at, length);
                    yield new Mutation(fixChecksum(b), "the category name at " + at + " declares " + length + " bytes");
                }
                case ENCODING_WIDTH_CHECKSUM_FIXED -> {
                    int[] categoryColumns = layout.categoryColumns();
                    int c = categoryColumns[random.nextInt(categoryColumns.length)];
                    int[] lengthAt = layout.categoryLengthAt()[c];
                    boolean remove = lengthAt.length > 0 && random.nextBoolean();
                    int at = random.nextInt(lengthAt.length + (remove ? 0 : 1));
                    // The entry's end: the next category, or the next column, or the parameters.
                    int entryAt = at < lengthAt.length ? lengthAt[at]
                            : c + 1 < layout.columnAt().length ? layout.columnAt()[c + 1] : layout.parametersAt();
                    byte[] b;
                    String detail;
                    if (remove) {
                        b = splice(blob, entryAt, 4 + le(blob).getInt(entryAt), new byte[0]);
                        detail = "category " + at + " of " + lengthAt.length + " removed from column " + c;
                    } else {
                        String name;
                        do {
                            name = "extra-" + random.nextInt(1000);
                        } while (layout.categories().get(c).contains(name));
                        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                        b = splice(blob, entryAt, 0, concat(intBytes(utf8.length), utf8));
                        detail = "category " + name + " inserted at " + at + " of " + lengthAt.length + " in column " + c;
                    }
                    int count = lengthAt.length + (remove ? -1 : 1);
                    le(b).putInt(layout.columnAt()[c] + 6, count);
                    int inputs = 0;
                    for (int k = 0; k < layout.kinds().length; k++) {
                        inputs += Layout.width(layout.kinds()[k], k == c ? count : layout.categoryLengthAt()[k].length);
                    }
                    require(inputs != layout.sizes()[0], "an encoding as wide as the network");
                    yield new Mutation(fixChecksum(b), detail + ": " + inputs + " inputs for " + layout.sizes()[0]);
                }
                case FLOATS_REWRITTEN -> {
                    int parameters = (layout.checksumAt() - layout.parametersAt()) / 4;
                    Map<Integer, Float> written = new java.util.TreeMap<>();
                    int count = 1 + random.nextInt(4);
                    while (written.size() < count) written.put(random.nextInt(parameters), (float) (2 * random.nextGaussian()));
                    byte[] b = blob.clone();
                    written.forEach((index, value) -> le(b).putFloat(layout.parametersAt() + 4 * index, value));
                    yield new Mutation(fixChecksum(b), "parameters " + written, written);
                }
            };
        }

        private byte[] randomBytes(int n) {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            return bytes;
        }

        /** A mutant that an unchanged checksum must give away; checked, so the claim does not rest on CRC theory. */
        private static Mutation checksumBroken(byte[] blob, String detail) {
            require(!checksumMatches(blob), "the checksum still matches");
            return new Mutation(blob, detail);
        }

        private static void require(boolean condition, String otherwise) {
            if (!condition) throw new AssertionError("mutator bug, the mutant might be valid: " + otherwise);
        }
    }

    // ---------------------------------------------------------------- bytes

    private static ByteBuffer le(byte[] blob) {
        return ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
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

    private static boolean checksumMatches(byte[] blob) {
        if (blob.length < 4) return false;
        CRC32C crc = new CRC32C();
        crc.update(blob, 0, blob.length - 4);
        return (int) crc.getValue() == le(blob).getInt(blob.length - 4);
    }

    /** Recomputes the CRC-32C in the last four bytes, as a writer who knows the format would. */
    private static byte[] fixChecksum(byte[] blob) {
        CRC32C crc = new CRC32C();
        crc.update(blob, 0, blob.length - 4);
        le(blob).putInt(blob.length - 4, (int) crc.getValue());
        return blob;
    }

    private static int[] without(int[] values, int at) {
        int[] out = new int[values.length - 1];
        System.arraycopy(values, 0, out, 0, at);
        System.arraycopy(values, at + 1, out, at, values.length - at - 1);
        return out;
    }

    private static int[] with(int[] values, int at, int value) {
        int[] out = new int[values.length + 1];
        System.arraycopy(values, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(values, at, out, at + 1, values.length - at);
        return out;
    }

    private static int[] swapped(int[] values, int i, int j) {
        int[] out = values.clone();
        out[i] = values[j];
        out[j] = values[i];
        return out;
    }

    // ---------------------------------------------------------------- models

    /** Every float of a model in the blob's order: shifts, factors, then each layer's weights and biases. */
    private static float[] parameters(Model model) {
        Preprocessing p = model.preprocessing();
        Network net = model.network();
        List<float[]> parts = new ArrayList<>(List.of(p.shift(), p.factor()));
        for (int l = 0; l < net.layerCount(); l++) {
            parts.add(net.weights(l));
            parts.add(net.biases(l));
        }
        float[] all = new float[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) bits[i] = Float.floatToRawIntBits(values[i]);
        return bits;
    }

    private static float[][] weightsOf(Network net) {
        float[][] w = new float[net.layerCount()][];
        for (int l = 0; l < w.length; l++) w[l] = net.weights(l);
        return w;
    }

    private static float[][] biasesOf(Network net) {
        float[][] b = new float[net.layerCount()][];
        for (int l = 0; l < b.length; l++) b[l] = net.biases(l);
        return b;
    }

    /** ML_WEIGHTS' rows for these parameters (weights stored input-major), one line each. */
    private static String expectedWeightRows(int[] sizes, float[][] weights, float[][] biases) {
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l + 1 < sizes.length; l++) {
            int outputs = sizes[l + 1];
            for (int o = 0; o < outputs; o++) {
                sb.append(row(l + 1, o + 1, null, biases[l][o]));
                for (int i = 0; i < sizes[l]; i++) sb.append(row(l + 1, o + 1, i + 1, weights[l][i * outputs + o]));
            }
        }
        return sb.toString();
    }

    /** ML_WEIGHTS' rows as {@link #expectedWeightRows} writes them; a weight by its bits. */
    private static String describe(List<Object[]> rows) {
        StringBuilder sb = new StringBuilder();
        for (Object[] r : rows) {
            sb.append(row(((Number) r[0]).intValue(), ((Number) r[1]).intValue(),
                    r[2] == null ? null : ((Number) r[2]).intValue(), ((Number) r[3]).floatValue()));
        }
        return sb.toString();
    }

    private static String row(int layer, int output, Integer input, float weight) {
        return layer + "/" + output + "/" + input + "=" + Integer.toHexString(Float.floatToIntBits(weight)) + "\n";
    }

    /** The model's outputs for raw features {@code x}, in double precision: the reference for its predictions. */
    private static double[] forward(Model model, double[] x) {
        Preprocessing p = model.preprocessing();
        Network net = model.network();
        double[] a = new double[x.length];
        for (int i = 0; i < a.length; i++) a[i] = (x[i] - p.shift()[i]) * p.factor()[i];
        for (int l = 0; l < net.layerCount(); l++) {
            int outputs = net.size(l + 1);
            float[] w = net.weights(l);
            double[] z = new double[outputs];
            for (int o = 0; o < outputs; o++) {
                z[o] = net.biases(l)[o];
                for (int i = 0; i < a.length; i++) z[o] += a[i] * w[i * outputs + o];
            }
            a = activate(net.activation(l), z);
        }
        return a;
    }

    private static double[] activate(Activation activation, double[] z) {
        if (activation == Activation.SOFTMAX) return softmax(z);
        double[] a = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            a[i] = switch (activation) {
                case RELU -> Math.max(0, z[i]);
                case TANH -> Math.tanh(z[i]);
                case SIGMOID -> 1 / (1 + Math.exp(-z[i]));
                case IDENTITY -> z[i];
                case LEAKY_RELU -> z[i] > 0 ? z[i] : 0.01 * z[i];
                case ELU -> z[i] > 0 ? z[i] : Math.expm1(z[i]);
                case SELU -> 1.0507009873554805 * (z[i] > 0 ? z[i] : 1.6732632423543772 * Math.expm1(z[i]));
                case GELU -> 0.5 * z[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z[i] + 0.044715 * Math.pow(z[i], 3))));
                case SOFTPLUS -> Math.max(z[i], 0) + Math.log1p(Math.exp(-Math.abs(z[i])));
                case SOFTMAX -> throw new AssertionError();
            };
        }
        return a;
    }

    private static double[] softmax(double[] z) {
        double max = Arrays.stream(z).max().orElseThrow();
        double[] e = Arrays.stream(z).map(v -> Math.exp(v - max)).toArray();
        double sum = Arrays.stream(e).sum();
        return Arrays.stream(e).map(v -> v / sum).toArray();
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /** Whether the best output beats every other by more than float arithmetic could blur. */
    private static boolean clearWinner(double[] outputs, int best) {
        for (int i = 0; i < outputs.length; i++) if (i != best && outputs[best] - outputs[i] < 1e-3) return false;
        return true;
    }

    /** The bytes the running thread has allocated, where the JVM counts them; else always 0. */
    private record Allocation(com.sun.management.ThreadMXBean threads) {

        static Allocation counter() {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean counting
                    && counting.isThreadAllocatedMemorySupported() && counting.isThreadAllocatedMemoryEnabled()) {
                return new Allocation(counting);
            }
            return new Allocation(null);
        }

        long bytes() {
            return threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
        }
    }
}
