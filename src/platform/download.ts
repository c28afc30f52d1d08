/** Saves `data` as a file through the browser's download, from memory (a Blob URL). */
export function downloadBlob(data: Blob, name: string): void {
  const url = URL.createObjectURL(data);
  downloadUrl(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Clicks a temporary <a download> for an existing object URL. */
export function downloadUrl(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}
