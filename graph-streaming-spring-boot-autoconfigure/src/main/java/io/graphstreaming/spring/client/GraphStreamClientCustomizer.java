package io.graphstreaming.spring.client;

/**
 * Customises the auto-configured {@link GraphStreamClient.Builder}: every bean of this
 * type is applied, in order, to each builder handed out.
 */
@FunctionalInterface
public interface GraphStreamClientCustomizer {

	/**
	 * Customises a builder.
	 * @param builder the builder
	 */
	void customize(GraphStreamClient.Builder builder);

}
