package io.graphstreaming.spring.web.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.DigestUtils;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The live dashboard: one HTML page with its script, style sheet and icon, read once from
 * {@value #LOCATION} on the class path, and the {@link RouterFunction} that serves them
 * at a path ({@code /graph-dashboard} by default):
 *
 * <pre>
 * GET {path}  and  {path}/      the page
 * GET {path}/dashboard.js       its script (an ES module)
 * GET {path}/dashboard.css      its style sheet
 * GET {path}/favicon.svg        its icon
 * </pre>
 *
 * <p>The page learns where the API is from attributes of its {@code <html>} element,
 * written per request: {@code data-api-base} (the API base path behind the application's
 * context path) and {@code data-sse-enabled}. It uses only the public HTTP API (graph
 * descriptions, the SSE endpoints, the executions list and {@code DELETE} to cancel), so
 * it needs no Actuator. Answers are {@code no-cache}; the assets carry an {@code ETag},
 * and the page a Content-Security-Policy that allows same-origin scripts, styles, images
 * and connections only.
 */
public class GraphDashboard {

	/** Where the page and its assets are on the class path. */
	public static final String LOCATION = "META-INF/graph-streaming/dashboard/";

	/** The policy sent with the page: nothing inline, nothing from another origin. */
	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

	private static final MediaType JAVASCRIPT = new MediaType("text", "javascript", StandardCharsets.UTF_8);

	private static final MediaType CSS = new MediaType("text", "css", StandardCharsets.UTF_8);

	private static final MediaType HTML = new MediaType("text", "html", StandardCharsets.UTF_8);

	private static final MediaType SVG = MediaType.valueOf("image/svg+xml");

	private final String path;

	private final String apiBasePath;

	private final boolean sseEnabled;

	private final String indexTemplate;

	private final Map<String, Asset> assets = new LinkedHashMap<>();

	/**
	 * Reads the page and its assets.
	 * @param path where the page is served, such as {@code /graph-dashboard}
	 * @param apiBasePath the base path of the graph endpoints, such as {@code /graphs}
	 * @param sseEnabled whether the SSE endpoints are served (the page needs them to
	 * follow executions and says so when they are not)
	 * @throws IllegalArgumentException if a path is not a plain path
	 * @throws UncheckedIOException if an asset is missing from the class path
	 */
	public GraphDashboard(String path, String apiBasePath, boolean sseEnabled) {
		this.path = normalizePath(Objects.requireNonNull(path, "path"));
		this.apiBasePath = normalizePath(Objects.requireNonNull(apiBasePath, "apiBasePath"));
		this.sseEnabled = sseEnabled;
		this.indexTemplate = new String(read("index.html"), StandardCharsets.UTF_8);
		this.assets.put("dashboard.js", new Asset(read("dashboard.js"), JAVASCRIPT));
		this.assets.put("dashboard.css", new Asset(read("dashboard.css"), CSS));
		this.assets.put("favicon.svg", new Asset(read("favicon.svg"), SVG));
	}

	/**
	 * The path the page is served at, normalized: a leading slash, no trailing one, and
	 * the empty string for the root.
	 * @return the path
	 */
	public String path() {
		return this.path;
	}

	/**
	 * The base path of the graph endpoints the page calls, normalized like
	 * {@link #path()} (without the context path, which is added per request).
	 * @return the path
	 */
	public String apiBasePath() {
		return this.apiBasePath;
	}

	/**
	 * The routes of the page and its assets.
	 * @return the router function
	 */
	public RouterFunction<ServerResponse> routes() {
		RouterFunctions.Builder routes = RouterFunctions.route().GET(this.path + "/", this::page);
		if (!this.path.isEmpty()) {
			routes.GET(this.path, this::page);
		}
		this.assets.forEach((name, asset) -> routes.GET(this.path + "/" + name, (request) -> asset.serve(request)));
		return routes.build();
	}

	/**
	 * The page, with the API base path, the dashboard path (both behind the request's
	 * context path) and the SSE switch written into it.
	 */
	private Mono<ServerResponse> page(ServerRequest request) {
		String contextPath = request.requestPath().contextPath().value();
		String html = this.indexTemplate.replace("{{apiBase}}", escape(contextPath + this.apiBasePath))
			.replace("{{dashboardPath}}", escape(contextPath + this.path))
			.replace("{{sseEnabled}}", Boolean.toString(this.sseEnabled));
		return ServerResponse.ok()
			.contentType(HTML)
			.header(HttpHeaders.CACHE_CONTROL, "no-cache")
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.header("X-Content-Type-Options", "nosniff")
			.header("Referrer-Policy", "same-origin")
			.bodyValue(html.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Normalizes a configured path: {@code ops/graphs/} becomes {@code /ops/graphs},
	 * {@code /} the empty string.
	 * @param path a configured path
	 * @return the normalized path
	 * @throws IllegalArgumentException if the path has blanks, wildcards, braces,
	 * {@code ?}, {@code #} or characters that need escaping in HTML
	 */
	public static String normalizePath(String path) {
		String normalized = path.strip();
		if (normalized.chars()
			.anyMatch((c) -> Character.isWhitespace(c) || "{}?#*<>\"'&\\".indexOf(c) >= 0 || c < 0x20)) {
			throw new IllegalArgumentException("'" + path + "' is not a plain path such as /graph-dashboard");
		}
		while (normalized.endsWith("/")) {
			normalized = normalized.substring(0, normalized.length() - 1);
		}
		if (!normalized.isEmpty() && !normalized.startsWith("/")) {
			normalized = "/" + normalized;
		}
		return normalized;
	}

	/**
	 * Escapes a value for an HTML attribute (the context path comes from the request).
	 */
	static String escape(String value) {
		StringBuilder escaped = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '&' -> escaped.append("&amp;");
				case '<' -> escaped.append("&lt;");
				case '>' -> escaped.append("&gt;");
				case '"' -> escaped.append("&quot;");
				case '\'' -> escaped.append("&#39;");
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static byte[] read(String name) {
		ClassPathResource resource = new ClassPathResource(LOCATION + name, GraphDashboard.class.getClassLoader());
		try (InputStream in = resource.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The dashboard asset " + LOCATION + name + " is missing", ex);
		}
	}

	/**
	 * A static asset with its validator.
	 */
	private static final class Asset {

		private final byte[] content;

		private final MediaType type;

		private final String etag;

		Asset(byte[] content, MediaType type) {
			this.content = content;
			this.type = type;
			this.etag = "\"" + DigestUtils.md5DigestAsHex(content) + "\"";
		}

		Mono<ServerResponse> serve(ServerRequest request) {
			return request.checkNotModified(this.etag)
				.switchIfEmpty(Mono.defer(() -> ServerResponse.ok()
					.contentType(this.type)
					.eTag(this.etag)
					.header(HttpHeaders.CACHE_CONTROL, "no-cache")
					.header("X-Content-Type-Options", "nosniff")
					.bodyValue(this.content)));
		}

	}

}
