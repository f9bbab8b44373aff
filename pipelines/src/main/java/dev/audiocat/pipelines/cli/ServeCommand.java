package dev.audiocat.pipelines.cli;

import dev.audiocat.ledger.AssetHistory;
import dev.audiocat.ledger.LedgerLocation;
import dev.audiocat.ledger.store.LogStore;
import dev.audiocat.search.CatalogSearch;
import dev.audiocat.search.RightsHistory;
import dev.audiocat.search.SearchConnection;
import dev.audiocat.search.SearchServer;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code audiocat serve [--port N]}: the search page on 127.0.0.1. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the search page: search box, facets, previews, \"more like this\", rights history.",
            "Binds to 127.0.0.1 unless --host says otherwise. Stop with Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "port (default: ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default: ${DEFAULT-VALUE}); anything else exposes the catalog and its audio to the network")
    String host;

    @Option(names = "--ledger", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "license ledger for the page's rights history (default: $AUDIOCAT_HOME/ledger when it exists; "
                    + "without a ledger the page says so)")
    String ledger;

    @Mixin
    IndexCommand.EsOptions es = new IndexCommand.EsOptions();

    @Override
    public Integer call() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        if (!java.net.InetAddress.getByName(host).isLoopbackAddress()) {
            System.err.println("audiocat: WARNING: --host " + host + " makes the catalog and its audio files readable by anyone "
                    + "who can reach this machine; the page has no login");
        }
        boolean withLedger = ledger != null || Files.isDirectory(dev.audiocat.ledger.AudiocatHome.defaultLedger());
        try (LogStore store = withLedger ? LedgerLocation.open(ledger) : null;
             SearchConnection c = es.connect()) {
            es.requireIndex(c);
            try (SearchServer server = new SearchServer(new CatalogSearch(c.client(), es.alias()), rights(store), host, port).start()) {
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "serve-stop"));
                System.out.println("audiocat: search page at " + server.url() + " (index " + es.alias() + " at " + c.url()
                        + (store == null ? "; no ledger" : "; ledger " + (ledger == null ? dev.audiocat.ledger.AudiocatHome.defaultLedger() : ledger))
                        + "); Ctrl-C stops");
                stop.await();
            }
        }
        return 0;
    }

    /** The page's rights history from the ledger; null (the page says "no ledger") without one. */
    static RightsHistory rights(LogStore store) {
        return store == null ? null : assetId -> AssetHistory.read(store, assetId);
    }
}
