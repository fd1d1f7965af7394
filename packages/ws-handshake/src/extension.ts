/**
 * How an extension is negotiated (RFC 6455 §9.1): the client offers it with parameters, the server picks
 * among the offers and answers with its parameters, and both ends then hand the same kind of
 * @proto/ws-frame `WebSocketExtension` to their session. @proto/ws-deflate's `permessageDeflate()`
 * implements this interface.
 */
import type { WebSocketExtension } from "@proto/ws-frame";
import type { ExtensionParams } from "./extensions-header";

export interface HandshakeExtension {
  /** The extension token, e.g. "permessage-deflate". */
  readonly name: string;
  /** Client: the offers to send, most preferred first (each becomes one element of the header). */
  offer?(): ExtensionParams[];
  /**
   * Server: given every offer of this extension the client made (in the client's order), accept one:
   * the parameters to answer with and the extension for the session; undefined declines them all.
   * Throw a HandshakeError (HS_BAD_EXTENSIONS_HEADER) to reject malformed offers with 400.
   */
  accept?(offers: ExtensionParams[]): { params: ExtensionParams; extension: WebSocketExtension } | undefined;
  /**
   * Client: the server accepted this extension with `params`; return the extension for the session, or
   * throw a HandshakeError (HS_UNEXPECTED_EXTENSION) if the parameters are not acceptable.
   */
  configure?(params: ExtensionParams): WebSocketExtension;
}
