package io.graphstreaming.spring.autoconfigure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class ReactorNettyKeepAliveFixTests {

	private String previous;

	@BeforeEach
	void clearProperty() {
		this.previous = System.getProperty(ReactorNettyKeepAliveFix.PROPERTY);
		System.clearProperty(ReactorNettyKeepAliveFix.PROPERTY);
	}

	@AfterEach
	void restoreProperty() {
		if (this.previous != null) {
			System.setProperty(ReactorNettyKeepAliveFix.PROPERTY, this.previous);
		}
		else {
			System.clearProperty(ReactorNettyKeepAliveFix.PROPERTY);
		}
	}

	@Test
	void setsReactorNettysSwitchByDefault() {
		new ReactorNettyKeepAliveFix().postProcessEnvironment(new MockEnvironment(), new SpringApplication());
		assertThat(System.getProperty(ReactorNettyKeepAliveFix.PROPERTY)).isEqualTo("true");
	}

	@Test
	void leavesAValueTheApplicationSetAlone() {
		System.setProperty(ReactorNettyKeepAliveFix.PROPERTY, "false");
		new ReactorNettyKeepAliveFix().postProcessEnvironment(new MockEnvironment(), new SpringApplication());
		assertThat(System.getProperty(ReactorNettyKeepAliveFix.PROPERTY)).isEqualTo("false");
	}

	@Test
	void doesNothingWhenTurnedOff() {
		MockEnvironment environment = new MockEnvironment().withProperty("graph.streaming.web.netty-keep-alive-fix",
				"false");
		new ReactorNettyKeepAliveFix().postProcessEnvironment(environment, new SpringApplication());
		assertThat(System.getProperty(ReactorNettyKeepAliveFix.PROPERTY)).isNull();
	}

	@Test
	void isRegisteredForSpringBoot() throws Exception {
		try (var factories = getClass().getClassLoader().getResourceAsStream("META-INF/spring.factories")) {
			assertThat(new String(factories.readAllBytes())).contains("org.springframework.boot.EnvironmentPostProcessor")
				.contains(ReactorNettyKeepAliveFix.class.getName());
		}
	}

}
