package dev.sqlnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn spark train}: training on Apache Spark, from the database's rows into the database.
 * Spark is not in sqlnn's jar: {@code bin/sqlnn spark} puts the Spark jars the build resolved beside it,
 * and {@code spark-submit --class dev.sqlnn.cli.Main} runs this with a Spark installation's own.
 */
@Command(name = "spark", description = "Train on Apache Spark (bin/sqlnn spark adds Spark's jars).",
        subcommands = SparkCommand.Train.class)
final class SparkCommand {

    @Command(name = "train", description = "Read a query's rows through Spark's JDBC source in parallel partitions,"
            + " train on Spark, and save the model into the database at --url.")
    static final class Train implements Callable<Integer> {

        @Option(names = "--master", description = "Spark master: local[N], spark://host:port, yarn, k8s://...;"
                + " leave out under spark-submit")
        String master;

        @Option(names = "--url", required = true, description = "JDBC URL of the database the rows come from and"
                + " the model goes to (an embedded H2 file is served to the executors with AUTO_SERVER)")
        String url;

        @Option(names = "--model", required = true, description = "Model name; each training adds a version")
        String model;

        @Option(names = "--query", required = true, description = "Training rows: features, then the label")
        String query;

        @Option(names = "--options", defaultValue = "{}", description = "ML_TRAIN's options as JSON (default: ${DEFAULT-VALUE})")
        String options;

        @Option(names = "--partitions", defaultValue = "2", description = "Partitions to read and train in (default: ${DEFAULT-VALUE})")
        int partitions;

        @Option(names = "--partition-column", description = "A numeric column of the query to split the reads by;"
                + " it is then left out of the features. Without it the rows are read once and spread")
        String partitionColumn;

        @Option(names = "--sync", defaultValue = "average", description = "average: parameters and optimizer state"
                + " averaged every --sync-every batches; gradients: gradients summed every step (default: ${DEFAULT-VALUE})")
        String sync;

        @Option(names = "--sync-every", defaultValue = "0", description = "Batches between averagings; 0: once per epoch"
                + " (default: ${DEFAULT-VALUE})")
        int syncEvery;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws SQLException {
            PrintWriter out = spec.commandLine().getOut();
            if (!sync.equals("average") && !sync.equals("gradients")) {
                throw new CommandFailure("--sync must be average or gradients; got " + sync);
            }
            if (partitions < 1) throw new CommandFailure("--partitions must be 1 or more; got " + partitions);
            try {
                Class.forName("org.apache.spark.sql.SparkSession");
            } catch (ClassNotFoundException e) {
                throw new CommandFailure("Spark is not on the class path: run bin/sqlnn spark train ... (it adds the"
                        + " Spark jars the build resolved), or spark-submit --class dev.sqlnn.cli.Main target/sqlnn-all.jar"
                        + " spark train ...");
            }
            long version = dev.sqlnn.spark.SparkTrainJob.run(new dev.sqlnn.spark.SparkTrainJob.Request(master, Database.withLogin(url), model,
                    query, options,
                    partitions, partitionColumn, sync, syncEvery), out);
            out.println("Saved " + model + " version " + version + " into " + url);
            return 0;
        }
    }
}
