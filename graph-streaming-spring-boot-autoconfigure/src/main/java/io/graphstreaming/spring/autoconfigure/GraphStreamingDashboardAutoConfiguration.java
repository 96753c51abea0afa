package io.graphstreaming.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.dashboard.GraphDashboard;

/**
 * The live dashboard page at {@code graph.streaming.dashboard.path} in a reactive web
 * application, when {@code graph.streaming.dashboard.enabled} is true (it is off by
 * default). The page talks to the endpoints under {@code graph.streaming.web.base-path}.
 * Both beans back off when the application defines its own; the routes are one
 * {@link RouterFunction} bean named {@code graphDashboardRouterFunction}.
 */
@AutoConfiguration(after = GraphStreamingWebFluxAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty("graph.streaming.dashboard.enabled")
@ConditionalOnBean(GraphRegistry.class)
public final class GraphStreamingDashboardAutoConfiguration {

	private static final String PATH_KEY = "graph.streaming.dashboard.path";

	private static final String BASE_PATH_KEY = "graph.streaming.web.base-path";

	@Bean
	@ConditionalOnMissingBean
	GraphDashboard graphDashboard(GraphStreamingProperties properties) {
		String path = properties.getDashboard().getPath();
		String basePath = properties.getWeb().getBasePath();
		String page = plainPath(PATH_KEY, path);
		String api = plainPath(BASE_PATH_KEY, basePath);
		if (page.equals(api) || (!api.isEmpty() && page.startsWith(api + "/"))) {
			throw new InvalidConfigurationPropertyValueException(PATH_KEY, path,
					"must lie outside " + BASE_PATH_KEY + " (" + basePath + ")");
		}
		return new GraphDashboard(path, basePath, properties.getWeb().isSseEnabled());
	}

	/**
	 * Ordered before the graph routes, so that the page stays reachable when the base
	 * path is the root.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 100)
	@ConditionalOnMissingBean(name = "graphDashboardRouterFunction")
	RouterFunction<ServerResponse> graphDashboardRouterFunction(GraphDashboard dashboard) {
		return dashboard.routes();
	}

	private static String plainPath(String key, String value) {
		try {
			return GraphDashboard.normalizePath(value);
		}
		catch (RuntimeException ex) {
			throw new InvalidConfigurationPropertyValueException(key, value,
					"must be a plain path such as /graph-dashboard (no spaces, wildcards, braces, quotes, '?' or '#')");
		}
	}

}
