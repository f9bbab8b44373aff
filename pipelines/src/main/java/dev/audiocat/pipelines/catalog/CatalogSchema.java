package dev.audiocat.pipelines.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * The catalog, dead-letter and verified schemas, versioned Avro resources documented in docs/catalog-schema.md.
 * Parquet files and Elasticsearch documents use the same field names.
 */
public final class CatalogSchema {

    public static final int VERSION = 1;
    public static final Schema CATALOG = load("catalog-v1.avsc");
    public static final Schema DEAD_LETTER = load("dead-letter-v1.avsc");
    public static final Schema VERIFIED = load("verified-v1.avsc");

    /** Subfolder of a catalog folder holding catalog rows. */
    public static final String CATALOG_DIR = "catalog";
    /** Subfolder of a catalog folder holding dead letters. */
    public static final String DEAD_LETTER_DIR = "dead-letters";
    /** Subfolder of a catalog folder holding the files that re-runs read and found unchanged (fixity log, quick-check times). */
    public static final String VERIFIED_DIR = "verified";

    private CatalogSchema() {
    }

    /** The schema of a dataset folder: {@link #CATALOG_DIR}, {@link #DEAD_LETTER_DIR} or {@link #VERIFIED_DIR}. */
    public static Schema of(String dataset) {
        return switch (dataset) {
            case CATALOG_DIR -> CATALOG;
            case DEAD_LETTER_DIR -> DEAD_LETTER;
            case VERIFIED_DIR -> VERIFIED;
            default -> throw new IllegalArgumentException("no dataset '" + dataset + "' in a catalog folder");
        };
    }

    private static Schema load(String name) {
        try (InputStream in = CatalogSchema.class.getResourceAsStream("/dev/audiocat/pipelines/" + name)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + name + " missing from the pipelines jar");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema of a record-typed field, e.g. {@code qc_flags}' item record. */
    public static Schema itemSchema(Schema record, String arrayField) {
        Schema s = nonNull(record.getField(arrayField).schema());
        return nonNull(s.getElementType());
    }

    /** Strips the null branch of a {@code ["null", T]} union. */
    public static Schema nonNull(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            for (Schema t : s.getTypes()) {
                if (t.getType() != Schema.Type.NULL) {
                    return t;
                }
            }
        }
        return s;
    }
}
