package io.graphstreaming.spring.autoconfigure;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Works around a Reactor Netty 1.3.6 server bug (reactor/reactor-netty#4361): on a
 * keep-alive connection, the next request can stay unread after a response that
 * completed off the event loop, which is what long polls, Actuator endpoints and
 * executions running on bounded elastic do. Scrapers and browsers reuse connections, so
 * some of their requests would hang. Reactor Netty's own switch,
 * {@value #PROPERTY}, avoids it; it is read once per JVM when the server's first
 * connection is set up, so it is set here, before any server starts, unless the
 * application set it already or turned this off with
 * {@code graph.streaming.web.netty-keep-alive-fix=false}.
 */
public class ReactorNettyKeepAliveFix implements EnvironmentPostProcessor {

	/** Reactor Netty's system property. */
	static final String PROPERTY = "reactor.netty.http.server.lastFlushWhenNoRead";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean enabled = environment.getProperty("graph.streaming.web.netty-keep-alive-fix", Boolean.class, true);
		if (enabled && System.getProperty(PROPERTY) == null) {
			System.setProperty(PROPERTY, "true");
		}
	}

}
