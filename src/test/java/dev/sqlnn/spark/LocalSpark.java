package dev.sqlnn.spark;

import org.apache.spark.sql.SparkSession;

/** A Spark session in the test's JVM, quiet and on loopback. */
final class LocalSpark {

    private LocalSpark() {
    }

    static SparkSession start(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("sqlnn-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }
}
