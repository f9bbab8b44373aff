package dev.audiocat.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;

/**
 * A connection to Elasticsearch: either a user's cluster ({@link #remote}) or the local node that
 * audiocat provisions ({@link #local}).
 */
public final class SearchConnection implements AutoCloseable {
    private final URI url;
    private final RestClient rest;
    private final ElasticsearchClient client;

    private SearchConnection(URI url, RestClient rest) {
        this.url = url;
        this.rest = rest;
        this.client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
    }

    /** Credentials for a user's cluster; all optional. {@code caCert} is a PEM file to trust for TLS. */
    public record Credentials(String apiKey, String username, String password, Path caCert) {
        public static Credentials none() {
            return new Credentials(null, null, null, null);
        }
    }

    /** Starts (or reuses) the local node under {@code home} and connects to it. */
    public static SearchConnection local(Path home) throws IOException {
        return remote(LocalElasticsearch.startOrReuse(home).url(), Credentials.none());
    }

    /** Connects to a given cluster; audiocat provisions nothing. */
    public static SearchConnection remote(URI url, Credentials creds) throws IOException {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw new IllegalArgumentException("Elasticsearch URL must start with http:// or https://: " + url);
        }
        var builder = RestClient.builder(HttpHost.create(url.toString()));
        if (creds.apiKey() != null && !creds.apiKey().isBlank()) {
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + creds.apiKey())});
        } else if (creds.username() != null) {
            String basic = Base64.getEncoder().encodeToString(
                    (creds.username() + ":" + (creds.password() == null ? "" : creds.password())).getBytes(StandardCharsets.UTF_8));
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "Basic " + basic)});
        }
        if (creds.caCert() != null) {
            SSLContext ssl = trusting(creds.caCert());
            builder.setHttpClientConfigCallback(h -> h.setSSLContext(ssl));
        }
        builder.setRequestConfigCallback(r -> r.setConnectTimeout(5_000).setSocketTimeout(60_000));
        return new SearchConnection(url, builder.build());
    }

    private static SSLContext trusting(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no certificate found in " + pem + ": expected a PEM file with the cluster's CA");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + pem + " as a CA certificate: " + e.getMessage(), e);
        }
    }

    public URI url() {
        return url;
    }

    public ElasticsearchClient client() {
        return client;
    }

    @Override
    public void close() throws IOException {
        rest.close();
    }
}
