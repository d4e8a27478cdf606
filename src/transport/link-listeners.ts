import type {LinkError} from './link-errors.ts';

/** The data and close listeners every Link keeps: registration with unsubscribe, and delivery. */
export class LinkListeners {
	readonly #data = new Set<(chunk: Buffer) => void>();
	readonly #close = new Set<(error: LinkError | undefined) => void>();

	onData(listener: (chunk: Buffer) => void): () => void {
		this.#data.add(listener);
		return () => this.#data.delete(listener);
	}

	onClose(listener: (error: LinkError | undefined) => void): () => void {
		this.#close.add(listener);
		return () => this.#close.delete(listener);
	}

	emitData(chunk: Buffer): void {
		for (const listener of this.#data) listener(chunk);
	}

	emitClose(error: LinkError | undefined): void {
		for (const listener of this.#close) listener(error);
	}
}
