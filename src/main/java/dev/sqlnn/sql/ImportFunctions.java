package dev.sqlnn.sql;

import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.data.CsvImporter;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.data.TableExistsException;
import dev.sqlnn.store.EmbeddedSession;
import org.h2.engine.SessionLocal;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The import functions, {@code ML_IMPORT_IDX} and {@code ML_IMPORT_CSV}: they read files from the
 * <em>database server's</em> file system into a new table, through {@link IdxTable} and
 * {@link CsvImporter}.
 *
 * <p>Reading the server's files from SQL is restricted as H2 restricts its own file functions
 * ({@code CSVREAD}, {@code FILE_READ}, {@code LINK}): only an admin may call these, since any file
 * the server process can read would otherwise be open to every user who can connect. A non-admin
 * gets SQLState {@code 42501}. (Called through the Java API or the command line, the importers read
 * the caller's own files, and the database checks only the table rights.)
 *
 * <p>An existing table is refused (SQLState {@code 42S01}) unless the last argument, {@code replace},
 * is TRUE: dropping a user's table must be asked for. A NULL {@code replace} counts as FALSE.
 */
public final class ImportFunctions {

    /** Insufficient privilege. */
    static final String NOT_ADMIN = "42501";
    /** Base table already exists. */
    static final String TABLE_EXISTS = "42S01";

    private ImportFunctions() {
    }

    /** {@code ML_IMPORT_IDX(table, images_path, labels_path)}: imports into a new table; returns the rows written. */
    public static int importIdx(Connection connection, String table, String images, String labels) throws SQLException {
        return importIdx(connection, table, images, labels, false);
    }

    /** {@code ML_IMPORT_IDX(table, images_path, labels_path, replace)}; {@code labels_path} may be NULL. */
    public static int importIdx(Connection connection, String table, String images, String labels, Boolean replace)
            throws SQLException {
        String fn = "ML_IMPORT_IDX";
        requireAdmin(connection, fn);
        Path imagesPath = path(fn, "images_path", images);
        Path labelsPath = labels == null ? null : path(fn, "labels_path", labels);
        try {
            return IdxTable.importFiles(connection, table, imagesPath, labelsPath, Boolean.TRUE.equals(replace));
        } catch (IOException e) {
            throw SqlErrors.badArgument(fn, e.getMessage());
        } catch (RuntimeException e) {
            throw translate(fn, e);
        } catch (SQLException e) {
            throw refused(fn, e);
        }
    }

    /** {@code ML_IMPORT_CSV(table, csv_path)}: imports into a new table; returns the rows written. */
    public static int importCsv(Connection connection, String table, String csv) throws SQLException {
        return importCsv(connection, table, csv, false);
    }

    /** {@code ML_IMPORT_CSV(table, csv_path, replace)}. */
    public static int importCsv(Connection connection, String table, String csv, Boolean replace) throws SQLException {
        String fn = "ML_IMPORT_CSV";
        requireAdmin(connection, fn);
        Path csvPath = path(fn, "csv_path", csv);
        try {
            return CsvImporter.importFile(connection, table, csvPath, Boolean.TRUE.equals(replace));
        } catch (IOException e) {
            throw SqlErrors.badArgument(fn, e.getMessage());
        } catch (RuntimeException e) {
            throw translate(fn, e);
        } catch (SQLException e) {
            throw refused(fn, e);
        }
    }

    /**
     * Refuses unless the session's user is an admin, like H2's {@code CSVREAD}. Fails closed: a
     * connection whose session cannot be seen (not H2's embedded engine) is refused too.
     */
    static void requireAdmin(Connection connection, String fn) throws SQLException {
        SessionLocal session = EmbeddedSession.of(connection);
        if (session != null && session.getUser().isAdmin()) {
            return;
        }
        String user = connection.getMetaData().getUserName();
        throw new SQLException(fn + ": reading files on the database server needs admin rights, like H2's CSVREAD;"
                + " user " + user + " is not an admin. Ask an admin to run the import (or to ALTER USER " + user
                + " ADMIN TRUE), or import from the client with sqlnn import", NOT_ADMIN);
    }

    private static Path path(String fn, String argument, String text) throws SQLException {
        if (text == null || text.isBlank()) {
            throw SqlErrors.badArgument(fn, argument + " is " + (text == null ? "NULL" : "empty")
                    + "; pass the path of a file on the database server");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw SqlErrors.badArgument(fn, argument + " '" + text + "' is not a valid path: " + e.getReason());
        }
    }

    private static SQLException translate(String fn, RuntimeException e) {
        if (e instanceof TableExistsException exists) {
            return new SQLException(fn + ": table " + exists.table() + " already exists; pass TRUE as the last"
                    + " argument (replace) to drop and re-create it, or choose another name", TABLE_EXISTS, e);
        }
        return SqlErrors.translate(fn, e);
    }

    /** The database refused the table or its rows: its SQLState says why; the message says who asked. */
    private static SQLException refused(String fn, SQLException e) {
        return new SQLException(fn + ": " + SqlErrors.message(e), e.getSQLState(), e.getErrorCode(), e);
    }
}
