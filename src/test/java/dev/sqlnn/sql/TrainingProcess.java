package dev.sqlnn.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

/**
 * A JVM of its own that opens a database and trains in it until it is killed: what a training whose
 * JVM dies leaves behind, for {@link LiveTrainingFileSqlTest}.
 *
 * <p>Arguments: the database's URL (with {@code AUTO_SERVER=TRUE}, so that the test's JVM can watch
 * through this one), the model's name, the training query and the options. Prints {@code open} once
 * the database is open here, so that the test connects only then and through this JVM.
 */
final class TrainingProcess {

    private TrainingProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0]);
             PreparedStatement train = connection.prepareStatement("SELECT ML_TRAIN(?, ?, ?)")) {
            System.out.println("open");
            System.out.flush();
            train.setString(1, args[1]);
            train.setString(2, args[2]);
            train.setString(3, args[3]);
            train.executeQuery();
        }
    }
}
