/// <reference lib="webworker" />
// Copies dropped files into the browser's storage (OPFS), one per message, off the main thread:
// piped on the page, a 920 MB copy held it in tasks of up to 118 ms (the stream's promise
// callbacks) while the file converted beside it. The same pipe runs here instead (a writable, as
// on the page before: quota is enforced alike), streamed, never whole in memory.

interface CopyRequest {
  file: File;
  /** A folder at the top of OPFS (created when missing) and the copy's name in it. */
  folder: string;
  name: string;
}

/** The error itself crosses (Error and DOMException are cloneable): a quota error keeps its name. */
type CopyReply = { kind: 'done' } | { kind: 'failed'; error: unknown };

async function copy({ file, folder, name }: CopyRequest): Promise<void> {
  const dir = await (
    await navigator.storage.getDirectory()
  ).getDirectoryHandle(folder, {
    create: true,
  });
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await file.stream().pipeTo(writable);
  } catch (e) {
    // A partial copy would pass for a whole one after a reload.
    await dir.removeEntry(name).catch(() => undefined);
    throw e;
  }
}

self.onmessage = async (e: MessageEvent<CopyRequest>) => {
  let reply: CopyReply;
  try {
    await copy(e.data);
    reply = { kind: 'done' };
  } catch (error) {
    reply = { kind: 'failed', error };
  }
  try {
    self.postMessage(reply);
  } catch {
    // An error that cannot be cloned: its words still can.
    self.postMessage({
      kind: 'failed',
      error: new Error(String(reply.kind === 'failed' && reply.error)),
    });
  }
};
