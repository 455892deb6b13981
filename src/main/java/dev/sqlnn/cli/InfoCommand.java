package dev.sqlnn.cli;

import dev.sqlnn.model.About;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Callable;

/** {@code sqlnn info}: what ML_INFO() reports. */
@Command(name = "info", description = "Show sqlnn's version, kernels and threads (ML_INFO()).")
final class InfoCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (Database.isClientSide(database.url)) {
            try (Connection c = Database.open(database.url)) {
                spec.commandLine().getOut().println(About.describe() + "; "
                        + c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion()
                        + ": sqlnn trains and scores in this JVM");
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
        try (Connection c = Database.open(database.url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ML_INFO()")) {
            rs.next();
            spec.commandLine().getOut().println(rs.getString(1));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
