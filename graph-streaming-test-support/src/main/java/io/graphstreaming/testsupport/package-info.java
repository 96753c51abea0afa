/**
 * Helpers of this build's tests, not for applications.
 */
package io.graphstreaming.testsupport;
