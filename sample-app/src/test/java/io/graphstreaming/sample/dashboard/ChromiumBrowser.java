package io.graphstreaming.sample.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's {@code chromium} driven through Debian's {@code chromium-driver}, headless: no
 * driver or browser is ever downloaded. Also the page sizes the tests look at, the
 * browser console and screenshots under {@code target/screenshots/}.
 */
final class ChromiumBrowser implements AutoCloseable {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private static final List<String> HEADLESS_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
			"--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
			"--disable-sync", "--no-first-run");

	private final ChromeDriver driver;

	private ChromiumBrowser(ChromeDriver driver) {
		this.driver = driver;
	}

	/**
	 * Whether the tests may run: both binaries are installed, or CI is set, in which case
	 * they must run (and fail if the binaries are missing).
	 */
	static boolean shouldRun() {
		return System.getenv("CI") != null || (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER));
	}

	static ChromiumBrowser start() {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments(HEADLESS_FLAGS);
		options.addArguments("--window-size=1280,800", "--lang=en-US");
		LoggingPreferences logging = new LoggingPreferences();
		logging.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logging);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(CHROMEDRIVER.toString()))
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
		return new ChromiumBrowser(driver);
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/**
	 * A desktop viewport of exactly 1280x800 CSS pixels.
	 */
	void desktop() {
		this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
	}

	/**
	 * A phone: 390x844 CSS pixels, touch-style viewport.
	 */
	void phone() {
		this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
	}

	/**
	 * Browser console entries at level SEVERE (errors, uncaught exceptions, failed
	 * loads) since the last call.
	 */
	List<String> consoleErrors() {
		return this.driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	/**
	 * Saves what the viewport shows as {@code target/screenshots/<name>.png}, and the
	 * whole page as {@code <name>-full.png}.
	 */
	void screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Files.write(SCREENSHOTS.resolve(name + ".png"), this.driver.getScreenshotAs(OutputType.BYTES));
			Map<String, Object> full = this.driver.executeCdpCommand("Page.captureScreenshot",
					Map.of("format", "png", "captureBeyondViewport", true));
			Files.write(SCREENSHOTS.resolve(name + "-full.png"),
					Base64.getDecoder().decode(String.valueOf(full.get("data"))));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.driver.quit();
	}

}
