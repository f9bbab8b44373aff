package dev.audiocat.pipelines.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.audiocat.pipelines.AudiocatHome;
import dev.audiocat.pipelines.catalog.CatalogSchema;
import dev.audiocat.search.CatalogIndex;
import dev.audiocat.search.LocalElasticsearch;
import dev.audiocat.search.SearchConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/**
 * IndexCatalog on the DirectRunner against the real local Elasticsearch: rows land in the index,
 * and with Elasticsearch unreachable every row becomes a dead letter instead of failing the pipeline.
 */
class IndexCatalogIT {
    /** Dead letters of the two branches, collected in this JVM (the DirectRunner runs here). */
    static final ConcurrentLinkedQueue<String> LIVE = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<String> DOWN = new ConcurrentLinkedQueue<>();

    @Test
    void indexesRowsAndTurnsFailuresIntoDeadLetters() throws Exception {
        URI url = LocalElasticsearch.startOrReuse(AudiocatHome.get()).url();
        String alias = "audiocat-it-pipeline-" + UUID.randomUUID().toString().substring(0, 8);
        try (SearchConnection c = SearchConnection.remote(url, SearchConnection.Credentials.none())) {
            CatalogIndex index = new CatalogIndex(c.client(), alias, SearchTestRows.DIMS);
            index.ensure();
            try {
                Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=2").create());
                List<GenericRecord> rows = SearchTestRows.rows();
                PCollection<GenericRecord> in = p.apply(Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)));
                in.apply("IndexLive", IndexCatalog.to(url).withAlias(alias).withRunId("it").withBatchSize(3))
                        .apply("CollectLive", ParDo.of(new Collect(true)));
                PCollection<GenericRecord> down = in.apply("IndexDown", IndexCatalog.to(URI.create("http://127.0.0.1:1"))
                        .withAlias(alias).withRunId("it").withRetries(3, Duration.ofMillis(5)));
                down.apply("CollectDown", ParDo.of(new Collect(false)));
                PAssert.that(down).satisfies(dls -> {
                    int n = 0;
                    for (GenericRecord dl : dls) {
                        assertEquals(CatalogSchema.DEAD_LETTER, dl.getSchema());
                        n++;
                    }
                    assertEquals(4, n);
                    return null;
                });
                p.run().waitUntilFinish();

                assertTrue(LIVE.isEmpty(), "no dead letters while Elasticsearch is up: " + LIVE);
                index.refresh();
                assertEquals(4, index.count());
                assertEquals(Set.of("b1.flac", "b2.flac", "b3.flac", "b4.flac"),
                        DOWN.stream().map(s -> s.split("\\|")[0]).collect(Collectors.toSet()));
                assertTrue(DOWN.stream().allMatch(s -> s.contains("|IndexCatalog|search_index_unavailable|")), DOWN.toString());
                assertTrue(DOWN.stream().allMatch(s -> s.contains("audiocat index rebuild")), DOWN.toString());
            } finally {
                index.drop();
            }
        }
    }

    static final class Collect extends DoFn<GenericRecord, Void> {
        private final boolean live;

        Collect(boolean live) {
            this.live = live;
        }

        @ProcessElement
        public void process(@Element GenericRecord dl) {
            String s = dl.get("file_name") + "|" + dl.get("stage") + "|" + dl.get("reason") + "|" + dl.get("message");
            (live ? LIVE : DOWN).add(s);
        }
    }
}
