package dev.sqlnn.store;

import dev.sqlnn.Sqlnn;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {

    private Connection connection;
    private ModelStore store;

    @BeforeEach
    void installIntoAFreshDatabase() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:store-" + UUID.randomUUID());
        Sqlnn.install(connection);
        store = new ModelStore(connection);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    // ---------------------------------------------------------------- versions

    @Test
    void numbersVersionsFromOnePerName() {
        assertEquals(1, store.nextVersion("a"));
        save("a", 1);
        save("a", 2);
        save("b", 1);
        assertEquals(3, store.nextVersion("a"));
        assertEquals(2, store.nextVersion("b"));
        assertEquals(1, store.nextVersion("c"));
    }

    @Test
    void numbersAfterTheHighestVersionEvenWhenOlderOnesWereDropped() {
        save("a", 1);
        save("a", 2);
        store.drop("a", 1);
        assertEquals(3, store.nextVersion("a"));
    }

    @Test
    void neverGivesAVersionThatARunOrALogHolds() {
        save("a", 1);
        store.insertRun("a", 2, RunStatus.RUNNING);
        assertEquals(3, store.nextVersion("a"));
        store.insertTrainingLog("a", 5, List.of(new LogEntry(1, 0.5, null, null, 0.01, 1, 100)));
        assertEquals(6, store.nextVersion("a"), "the log of a run whose row was lost");
        assertEquals(1, store.nextVersion("b"));
    }

    @Test
    void listsVersionsOldestFirst() {
        save("a", 2);
        save("a", 1);
        store.deploy("a", 2);
        List<ModelVersion> versions = store.versions("a");
        assertEquals(List.of(1L, 2L), versions.stream().map(ModelVersion::version).toList());
        assertEquals(List.of(false, true), versions.stream().map(ModelVersion::deployed).toList());
        assertEquals("{\"accuracy\":0.9}", versions.get(0).metricsJson());
        assertTrue(versions.get(0).createdAt() != null);
        assertEquals(List.of(), store.versions("unknown"));
        assertTrue(store.exists("a"));
        assertFalse(store.exists("unknown"));
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void findsWhatItSaved() {
        byte[] weights = new byte[70_000];
        for (int i = 0; i < weights.length; i++) weights[i] = (byte) (i * 31 + 7);
        long id = store.insertModel(new NewModel("digits", 1, "classification", "{\"epochs\":5}", 784,
                "784-64-10", "[\"0\",\"1\"]", "{\"accuracy\":0.9}", 8000, 1.5, weights));

        StoredModel found = store.find("digits", 1).orElseThrow();
        assertEquals(id, found.id());
        assertEquals("digits", found.name());
        assertEquals(1, found.version());
        assertEquals("classification", found.task());
        assertEquals(784, found.inputWidth());
        assertEquals("784-64-10", found.layers());
        assertEquals("{\"accuracy\":0.9}", found.metricsJson());
        assertFalse(found.deployed());
        assertArrayEquals(weights, found.weights());
        assertEquals(Optional.empty(), store.find("digits", 2));
        assertEquals(Optional.empty(), store.find("other", 1));
    }

    @Test
    void givesEachModelItsOwnId() {
        long first = save("a", 1);
        long second = save("a", 2);
        assertTrue(second != first);
    }

    @Test
    void refusesASecondRowForTheSameVersion() {
        save("a", 1);
        assertThrows(DataAccessException.class, () -> save("a", 1));
    }

    @Test
    void storesJsonAsJsonNotAsAQuotedString() throws SQLException {
        store.insertModel(new NewModel("m", 1, "regression", "{\"hidden\":[8,4]}", 3, "3-8-4-1", null,
                "{\"accuracy\":0.9}", 10, 0.1, new byte[] {1}));
        assertEquals("{\"accuracy\":0.9}", queryString("SELECT METRICS FROM SQLNN.MODELS"));
        assertEquals("{\"hidden\":[8,4]}", queryString("SELECT OPTIONS FROM SQLNN.MODELS"));
        // Bound as text, H2 would have stored a JSON string that merely contains the object.
        assertEquals("TRUE", queryString("SELECT METRICS IS JSON OBJECT FROM SQLNN.MODELS"));
        assertNull(queryString("SELECT CLASSES FROM SQLNN.MODELS"));
    }

    @Test
    void readsBackTheTrainingLogInOrder() {
        store.insertTrainingLog("m", 2, List.of(new LogEntry(1, 0.5, 0.6, 0.8, 0.001, 1.25, 6400)));
        store.insertTrainingLog("m", 1, List.of(
                new LogEntry(2, 0.4, null, null, 0.0005, 1.0, 8000),
                new LogEntry(1, 0.9, null, null, 0.001, 1.5, 5333.5)));
        store.insertTrainingLog("other", 1, List.of(new LogEntry(1, 0.1, null, null, 0.1, 0.1, 1)));
        store.insertTrainingLog("m", 3, List.of());

        List<LogRow> all = store.trainingLog("m", null);
        assertEquals(List.of(
                new LogRow(1, new LogEntry(1, 0.9, null, null, 0.001, 1.5, 5333.5)),
                new LogRow(1, new LogEntry(2, 0.4, null, null, 0.0005, 1.0, 8000)),
                new LogRow(2, new LogEntry(1, 0.5, 0.6, 0.8, 0.001, 1.25, 6400))), all);
        assertEquals(all.subList(2, 3), store.trainingLog("m", 2L));
        assertEquals(List.of(), store.trainingLog("m", 3L));
    }

    // ---------------------------------------------------------------- deployment

    @Test
    void deployingAVersionUndeploysTheOthers() {
        save("a", 1);
        save("a", 2);
        save("b", 1);
        store.deploy("b", 1);
        store.deploy("a", 1);
        assertEquals(OptionalLong.of(1), store.deployedVersion("a"));

        store.deploy("a", 2);

        assertEquals(OptionalLong.of(2), store.deployedVersion("a"));
        assertFalse(store.find("a", 1).orElseThrow().deployed());
        assertTrue(store.find("a", 2).orElseThrow().deployed());
        assertEquals(2, store.findDeployed("a").orElseThrow().version());
        assertEquals(OptionalLong.of(1), store.deployedVersion("b"), "another model's deployment stays");
        assertEquals(OptionalLong.empty(), store.deployedVersion("unknown"));
        assertEquals(Optional.empty(), store.findDeployed("unknown"));
    }

    @Test
    void theDefaultModelIsTheOneDeployedLast() {
        assertEquals(Optional.empty(), store.defaultModel());
        save("a", 1);
        save("a", 2);
        save("b", 1);
        assertEquals(Optional.empty(), store.defaultModel(), "saving deploys nothing");

        store.deploy("a", 1);
        assertEquals(Optional.of(new ModelKey("a", 1)), store.defaultModel());
        store.deploy("b", 1);
        assertEquals(Optional.of(new ModelKey("b", 1)), store.defaultModel());
        store.deploy("a", 2);
        assertEquals(Optional.of(new ModelKey("a", 2)), store.defaultModel());
    }

    @Test
    void droppingTheDefaultModelFallsBackToTheDeploymentBefore() {
        save("a", 1);
        save("a", 2);
        save("b", 1);
        store.deploy("a", 1);
        store.deploy("b", 1);
        store.deploy("a", 2);

        store.drop("a", 2);
        // a's version 1 was undeployed by the deployment of version 2: b is the one still deployed.
        assertEquals(Optional.of(new ModelKey("b", 1)), store.defaultModel());

        store.drop("b");
        assertEquals(Optional.empty(), store.defaultModel());

        store.deploy("a", 1);
        assertEquals(Optional.of(new ModelKey("a", 1)), store.defaultModel());
    }

    @Test
    void refusesToDeployAVersionThatIsNotThere() {
        save("a", 1);
        store.deploy("a", 1);
        UnknownModelException e = assertThrows(UnknownModelException.class, () -> store.deploy("a", 7));
        assertEquals("model a has no version 7", e.getMessage());
        assertEquals(OptionalLong.of(1), store.deployedVersion("a"), "nothing changed");
        assertEquals(Optional.of(new ModelKey("a", 1)), store.defaultModel());
    }

    // ---------------------------------------------------------------- drop

    @Test
    void dropCountsTheVersionsAndTakesTheirLogs() throws SQLException {
        save("a", 1);
        save("a", 2);
        save("b", 1);
        LogEntry epoch = new LogEntry(1, 0.5, null, null, 0.01, 1, 100);
        store.insertTrainingLog("a", 1, List.of(epoch));
        store.insertTrainingLog("a", 2, List.of(epoch));
        store.insertTrainingLog("b", 1, List.of(epoch));
        store.deploy("a", 2);

        assertEquals(1, store.drop("a", 1));
        assertEquals(0, store.drop("a", 1));
        assertEquals(List.of(2L), store.trainingLog("a", null).stream().map(LogRow::version).toList());
        assertEquals(1, store.drop("a"));
        assertEquals(0, store.drop("a"));
        assertFalse(store.exists("a"));
        assertEquals(List.of(), store.trainingLog("a", null));

        assertTrue(store.exists("b"));
        assertEquals(1, store.trainingLog("b", null).size());
        assertEquals("1", queryString("SELECT COUNT(*) FROM SQLNN.DEPLOYMENTS"), "deployments stay as history");
    }

    // ---------------------------------------------------------------- training runs

    @Test
    void aRunGoesFromRunningToSavedAndSaysWhenItEnded() throws SQLException {
        store.insertRun("a", 1, RunStatus.RUNNING);
        assertEquals(Optional.of(RunStatus.RUNNING), store.runStatus("a", 1));
        assertNull(queryString("SELECT ENDED_AT FROM SQLNN.TRAINING_RUNS"));
        assertTrue(store.setRunStatus("a", 1, RunStatus.SAVED));
        assertEquals(Optional.of(RunStatus.SAVED), store.runStatus("a", 1));
        assertEquals("TRUE", queryString("SELECT ENDED_AT >= STARTED_AT FROM SQLNN.TRAINING_RUNS"));
        assertFalse(store.setRunStatus("a", 2, RunStatus.SAVED));
        assertEquals(Optional.empty(), store.runStatus("a", 2));
        assertThrows(DataAccessException.class, () -> store.insertRun("a", 1, RunStatus.RUNNING));
    }

    @Test
    void abandonsOnlyRunningRunsThatAreNotUnderWay() {
        store.insertRun("a", 1, RunStatus.RUNNING); // cut short
        store.insertRun("a", 2, RunStatus.RUNNING); // under way
        store.insertRun("a", 3, RunStatus.UNSAVED);
        store.insertRun("b", 1, RunStatus.RUNNING);
        assertEquals(1, store.abandonRuns("a", Set.of(2L)));
        assertEquals(Optional.of(RunStatus.ABANDONED), store.runStatus("a", 1));
        assertEquals(Optional.of(RunStatus.RUNNING), store.runStatus("a", 2));
        assertEquals(Optional.of(RunStatus.UNSAVED), store.runStatus("a", 3));
        assertEquals(Optional.of(RunStatus.RUNNING), store.runStatus("b", 1));
        assertEquals(1, store.abandonRuns("a", Set.of()));
    }

    @Test
    void deletingARunTakesItsLogAndNothingElse() {
        LogEntry epoch = new LogEntry(1, 0.5, null, null, 0.01, 1, 100);
        store.insertRun("a", 1, RunStatus.SAVED);
        store.insertTrainingLog("a", 1, List.of(epoch));
        store.insertRun("a", 2, RunStatus.RUNNING);
        store.insertTrainingLog("a", 2, List.of(epoch, new LogEntry(2, 0.4, null, null, 0.01, 1, 100)));
        store.deleteRun("a", 2);
        assertEquals(List.of(1L), store.trainingLog("a", null).stream().map(LogRow::version).toList());
        assertEquals(Optional.empty(), store.runStatus("a", 2));
        assertEquals(Optional.of(RunStatus.SAVED), store.runStatus("a", 1));
    }

    @Test
    void historyIsAModelARunOrALog() {
        assertFalse(store.hasHistory("a", null));
        store.insertRun("a", 1, RunStatus.RUNNING);
        store.insertTrainingLog("b", 2, List.of(new LogEntry(1, 0.5, null, null, 0.01, 1, 100)));
        save("c", 3);
        assertTrue(store.hasHistory("a", null));
        assertTrue(store.hasHistory("a", 1L));
        assertFalse(store.hasHistory("a", 2L));
        assertTrue(store.hasHistory("b", 2L));
        assertFalse(store.hasHistory("b", 1L));
        assertTrue(store.hasHistory("c", 3L));
        assertFalse(store.hasHistory("d", null));
    }

    @Test
    void aDropSparesTheRunsUnderWayAndTakesTheLogsOfRunsThatSavedNothing() {
        LogEntry epoch = new LogEntry(1, 0.5, null, null, 0.01, 1, 100);
        save("a", 1);
        store.insertRun("a", 1, RunStatus.SAVED);
        store.insertTrainingLog("a", 1, List.of(epoch));
        store.insertRun("a", 2, RunStatus.UNSAVED); // its model rolled back
        store.insertTrainingLog("a", 2, List.of(epoch));
        store.insertRun("a", 3, RunStatus.RUNNING); // under way
        store.insertTrainingLog("a", 3, List.of(epoch));

        assertEquals(new Dropped(1, 4), store.drop("a", null, Set.of(3L)));
        assertEquals(List.of(3L), store.trainingLog("a", null).stream().map(LogRow::version).toList());
        assertEquals(Optional.of(RunStatus.RUNNING), store.runStatus("a", 3));

        assertEquals(new Dropped(0, 0), store.drop("a", 3L, Set.of(3L)));
        assertEquals(new Dropped(0, 2), store.drop("a", 3L, Set.of()));
        assertTrue(store.drop("a", null, Set.of()).nothing());
    }

    // ---------------------------------------------------------------- transactions

    @Test
    void leavesTheTransactionToTheCaller() throws SQLException {
        save("kept", 1);
        connection.setAutoCommit(false);
        save("a", 1);
        store.insertTrainingLog("a", 1, List.of(new LogEntry(1, 0.5, null, null, 0.01, 1, 100)));
        store.deploy("a", 1);
        store.drop("kept");

        connection.rollback();

        assertFalse(store.exists("a"));
        assertTrue(store.exists("kept"));
        assertEquals(List.of(), store.trainingLog("a", null));
        assertEquals(Optional.empty(), store.defaultModel());
        assertFalse(connection.isClosed());
        assertFalse(connection.getAutoCommit());
    }

    @Test
    void worksWhereTheDatabaseFoldsNamesToLowerCase() throws SQLException {
        try (Connection lower = DriverManager.getConnection(
                "jdbc:h2:mem:store-lower-" + UUID.randomUUID() + ";DATABASE_TO_LOWER=TRUE")) {
            Sqlnn.install(lower);
            ModelStore lowerStore = new ModelStore(lower);
            lowerStore.insertModel(model("a", 1));
            lowerStore.insertTrainingLog("a", 1, List.of(new LogEntry(1, 0.5, null, null, 0.01, 1, 100)));
            lowerStore.deploy("a", 1);
            assertEquals(Optional.of(new ModelKey("a", 1)), lowerStore.defaultModel());
            assertEquals(1, lowerStore.trainingLog("a", 1L).size());
            assertEquals(1, lowerStore.drop("a"));
        }
    }

    // ---------------------------------------------------------------- helpers

    private long save(String name, long version) {
        return store.insertModel(model(name, version));
    }

    private static NewModel model(String name, long version) {
        return new NewModel(name, version, "classification", "{}", 2, "2-3-2", "[\"x\",\"y\"]",
                "{\"accuracy\":0.9}", 4, 0.01, new byte[] {1, 2, 3});
    }

    private String queryString(String query) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getString(1);
        }
    }
}
