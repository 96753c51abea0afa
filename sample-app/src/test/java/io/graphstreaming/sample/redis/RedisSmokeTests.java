package io.graphstreaming.sample.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import io.graphstreaming.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

class RedisSmokeTests {

	static RedisServer redis;

	static SampleInstances instances;

	static String a;

	static String b;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		instances = new SampleInstances(redis, "smoke");
		a = instances.start("a");
		b = instances.start("b");
	}

	@AfterAll
	static void stop() {
		instances.close();
		redis.close();
	}

	@Test
	void startOnAStreamOnB() {
		WebClient client = WebClient.create();
		Map<?, ?> created = client.post()
			.uri(a + "/graphs/synthetic/executions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("input", Map.of("nodes", 5, "delayMs", 50)))
			.retrieve()
			.bodyToMono(Map.class)
			.block(Duration.ofSeconds(10));
		String id = (String) created.get("executionId");
		List<ServerSentEvent<String>> events = client.get()
			.uri(b + "/graphs/synthetic/executions/" + id + "/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header("Accept-Encoding", "identity")
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.filter((event) -> event.id() != null)
			.collectList()
			.block(Duration.ofSeconds(20));
		System.out.println(events.stream().map(ServerSentEvent::id).toList());
		System.out.println(events.get(events.size() - 1).event());
		assertThat(events).isNotEmpty();
		assertThat(events.get(events.size() - 1).event()).isEqualTo("ExecutionCompleted");
	}

}
