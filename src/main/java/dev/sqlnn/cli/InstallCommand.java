package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import dev.sqlnn.pg.PgInstaller;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn install}: installs sqlnn's tables (and on H2 its functions) into a database; on
 * PostgreSQL with PL/Java also loads sqlnn into the server, so that its functions run there.
 */
@Command(name = "install", description = "Install sqlnn into a database: its tables and functions; on PostgreSQL"
        + " with PL/Java, load sqlnn into the server (needs a superuser).")
final class InstallCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--grant-to", paramLabel = "ROLE", description = "On PostgreSQL: let only this role (not PUBLIC)"
            + " call sqlnn's functions")
    String grantee;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Database.isClientSide(database.url)) {
            try (Connection c = Database.open(database.url)) { // opening installs
                out.println("sqlnn " + Sqlnn.version() + " is installed in " + database.url + ": SELECT ML_INFO();");
            }
            return 0;
        }
        PgInstaller.Outcome outcome = Sqlnn.installInServer(Database.dataSource(database.url), grantee);
        out.println(switch (outcome) {
            case INSTALLED -> "Loaded sqlnn " + Sqlnn.version() + " into " + database.url
                    + ": its functions are in schema sqlnn, e.g. SELECT sqlnn.ml_info();";
            case UP_TO_DATE -> "sqlnn " + Sqlnn.version() + " is loaded into " + database.url + " already; nothing to do";
            case NO_PLJAVA -> throw new IllegalStateException("unreachable: installInServer refuses a server without PL/Java");
        });
        return 0;
    }
}
