/**
 * Debian's chromium, headless, driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands in
 * on fd 3, answers and events out on fd 4, each a JSON message ended by a NUL byte), so a test can click and type
 * in a page as a user does, with nothing but node and the browser. Clicks and keys are real input events
 * (Input.dispatchMouseEvent / dispatchKeyEvent / insertText), hit-tested by the browser at the element's place.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Readable, Writable} from 'node:stream';

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: {message: string};
  sessionId?: string;
}

export class Chromium {
  private nextId = 1;
  private pending = new Map<number, {resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void}>();
  private buffered = '';

  private constructor(private child: ChildProcess, private profile: string) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffered += chunk;
      let end: number;
      while ((end = this.buffered.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buffered.slice(0, end)) as Message;
        this.buffered = this.buffered.slice(end + 1);
        const waiting = msg.id === undefined ? undefined : this.pending.get(msg.id);
        if (!waiting) continue;
        this.pending.delete(msg.id!);
        if (msg.error) waiting.reject(new Error(`chromium: ${msg.error.message}`));
        else waiting.resolve(msg.result ?? {});
      }
    });
    child.once('exit', (code) => {
      for (const w of this.pending.values()) w.reject(new Error(`chromium exited (${code})`));
      this.pending.clear();
    });
  }

  static launch(size = {width: 1400, height: 1000}): Chromium {
    const profile = mkdtempSync(join(tmpdir(), 'lab-chromium-'));
    const child = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--remote-debugging-pipe', `--user-data-dir=${profile}`, `--window-size=${size.width},${size.height}`, 'about:blank'], {stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe']});
    child.stderr!.resume();
    return new Chromium(child, profile);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.pending.delete(id), reject(new Error(`chromium: no answer to ${method} in ${timeoutMs} ms`))), timeoutMs);
      this.pending.set(id, {resolve: (r) => (clearTimeout(timer), resolve(r)), reject: (e) => (clearTimeout(timer), reject(e))});
      (this.child.stdio[3] as Writable).write(JSON.stringify({id, method, params, ...(sessionId ? {sessionId} : {})}) + '\0');
    });
  }

  /** A new tab at `url`, attached so that its page can be driven. */
  async open(url: string): Promise<Page> {
    const {targetId} = (await this.send('Target.createTarget', {url: 'about:blank'})) as {targetId: string};
    const {sessionId} = (await this.send('Target.attachToTarget', {targetId, flatten: true})) as {sessionId: string};
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Page.navigate', {url});
    return page;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      await this.send('Browser.close', {}, undefined, 10_000).catch(() => this.child.kill('SIGKILL'));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.profile, {recursive: true, force: true});
  }
}

export class Page {
  constructor(private browser: Chromium, private sessionId: string) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** The value of a JavaScript expression in the page (JSON-serializable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', {expression, returnByValue: true, awaitPromise: true})) as {result: {value: T}; exceptionDetails?: {text: string; exception?: {description?: string}}};
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text} (${expression})`);
    return r.result.value;
  }

  /** Polls until the expression is truthy. */
  async waitFor(expression: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`).catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A left click at the middle of the element, scrolled into view first: the browser decides what it hits. */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{x: number; y: number} | null>(`(() => {
      const e = document.querySelector(${JSON.stringify(selector)});
      if (!e) return null;
      e.scrollIntoView({block: 'center', inline: 'center'});
      const r = e.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    })()`);
    if (!box) throw new Error(`no element ${selector} to click`);
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', {type, x: box.x, y: box.y, button: 'left', buttons: type === 'mousePressed' ? 1 : 0, clickCount: 1});
    }
  }

  /** Text typed into whatever has the focus, as an input method would (an "input" event follows). */
  async type(text: string): Promise<void> {
    await this.send('Input.insertText', {text});
  }

  /** One key pressed and released, e.g. "Backspace", "ArrowDown", "Enter", or a letter (which types it). */
  async press(key: string, code = key, keyCode = 0): Promise<void> {
    const text = key.length === 1 ? {text: key, unmodifiedText: key} : {};
    await this.send('Input.dispatchKeyEvent', {type: key.length === 1 ? 'keyDown' : 'rawKeyDown', key, code, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode, ...text});
    await this.send('Input.dispatchKeyEvent', {type: 'keyUp', key, code, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode});
  }

  async screenshot(): Promise<Buffer> {
    const {data} = (await this.send('Page.captureScreenshot', {format: 'png'})) as {data: string};
    return Buffer.from(data, 'base64');
  }
}
