/**
 * The HTML report of {@code sqlnn report}: what it shows ({@link dev.sqlnn.cli.report.ReportData},
 * read through sqlnn's SQL functions) and how it is drawn ({@link dev.sqlnn.cli.report.ReportPage}),
 * as one self-contained file: charts are inline SVG drawn here, images are {@code data:} URIs, and
 * nothing is fetched from the network when the file is viewed.
 */
package dev.sqlnn.cli.report;
