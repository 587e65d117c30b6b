// qrcode-terminal ships no types: the one function we call.
declare module "qrcode-terminal" {
  export function generate(text: string, options: { small?: boolean }, callback: (art: string) => void): void;
  const qrcodeTerminal: { generate: typeof generate };
  export default qrcodeTerminal;
}
