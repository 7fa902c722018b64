/**
 * Debian's chromium driven by playwright-core (the browser is the system's: playwright downloads none), for tests
 * that click and type in a page the way a user does. Started headless as root with what this machine needs: no
 * sandbox, and no background networking (its connections are refused here).
 */
import {chromium, type Browser, type Page as PlaywrightPage} from 'playwright-core';

const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];

export class Chromium {
  private constructor(private browser: Browser, private size: {width: number; height: number}) {}

  static async launch(size = {width: 1400, height: 1000}): Promise<Chromium> {
    return new Chromium(await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args}), size);
  }

  async open(url: string): Promise<Page> {
    const page = await this.browser.newPage({viewport: this.size});
    await page.goto(url);
    return new Page(page);
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}

/** A page, with expressions evaluated as strings (the page's own code, not the test's closures). */
export class Page {
  constructor(private page: PlaywrightPage) {}

  evaluate<T>(expression: string): Promise<T> {
    return this.page.evaluate(expression) as Promise<T>;
  }

  async waitFor(expression: string, timeoutMs = 60_000): Promise<void> {
    await this.page.waitForFunction(expression, undefined, {timeout: timeoutMs});
  }

  click(selector: string): Promise<void> {
    return this.page.click(selector);
  }

  type(text: string): Promise<void> {
    return this.page.keyboard.type(text);
  }

  press(key: string): Promise<void> {
    return this.page.keyboard.press(key);
  }

  screenshot(): Promise<Buffer> {
    return this.page.screenshot();
  }
}
