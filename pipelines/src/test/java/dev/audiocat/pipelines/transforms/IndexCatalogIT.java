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
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/**
 * IndexCatalog on embedded Flink against the real local Elasticsearch: rows land in the index
 * (idempotently), and with Elasticsearch unreachable every row becomes a dead letter instead of
 * failing the pipeline.
 */
class IndexCatalogIT {
    /** Dead letters of the two branches, collected in this JVM (embedded Flink runs here). */
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
                FlinkPipelineOptions o = PipelineOptionsFactory.fromArgs("--flinkMaster=[local]", "--parallelism=2")
                        .as(FlinkPipelineOptions.class);
                o.setRunner(FlinkRunner.class);
                Pipeline p = Pipeline.create(o);
                List<GenericRecord> rows = SearchTestRows.rows();
                PCollection<GenericRecord> in = p.apply(Create.of(rows).withCoder(AvroCoder.of(GenericRecord.class, CatalogSchema.CATALOG)));
                in.apply("IndexLive", IndexCatalog.to(url).withAlias(alias).withRunId("it").withBatchSize(3))
                        .apply("CollectLive", ParDo.of(new Collect(true)));
                in.apply("IndexDown", IndexCatalog.to(URI.create("http://127.0.0.1:1")).withAlias(alias).withRunId("it")
                                .withRetries(3, Duration.ofMillis(5)))
                        .apply("CollectDown", ParDo.of(new Collect(false)));
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
