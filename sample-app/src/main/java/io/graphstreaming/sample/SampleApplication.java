package io.graphstreaming.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the sample on port 8080 with no other service. Every
 * {@link io.graphstreaming.core.execution.GraphExecutor} bean (see
 * {@link SampleGraphsConfiguration}) is served by the starter under {@code /graphs}.
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Runs the application.
	 * @param args command-line arguments, for example {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
