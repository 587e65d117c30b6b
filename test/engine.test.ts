// The engine's behaviour on the demo flows: every node kind, global commands,
// re-prompts, the way out after too many tries, expired buttons and purity.
import { describe, expect, it } from "vitest";
import { begin, step, stepRef } from "../src/engine/step.js";
import type { Input, Output, Session } from "../src/engine/types.js";
import { demoEnv } from "./helpers/fixtures.js";

const env = demoEnv();
const texts = (outputs: Output[]) => outputs.flatMap((o) => (o.type === "text" ? [o.text] : []));
const say = (text: string): Input => ({ type: "text", text });

/** Runs inputs one after another from the start of the demo flow. */
function play(inputs: Input[], lang: "es" | "en" | "ht" = "en") {
  let { session, outputs } = begin(env, null, "demo", lang);
  const log = [texts(outputs)];
  for (const input of inputs) {
    ({ session, outputs } = step(env, session, input));
    log.push(texts(outputs));
  }
  return { session, log, last: log[log.length - 1] ?? [] };
}

describe("engine on the demo flow", () => {
  it("walks every node kind and returns from the called flow", () => {
    const { session, last } = play([
      say("Ana"),
      say("17"),
      say("$1,500 pesos"),
      say("1/10/2026"),
      say("+52 (55) 1234-5678"),
      say("si"),
      say("2"),
    ]);
    expect(last).toEqual(["Ana 17 1,500 MXN 2026-10-01 +525512345678 blue"]);
    expect(session.vars.minor).toBe(true);
    expect(session.at).toBeNull();
    expect(session.stack).toEqual([]);
  });

  it("interpolates earlier answers into questions", () => {
    expect(play([say("Ana")]).last).toEqual(["Ana, how old are you?"]);
  });

  it("re-prompts kindly on an invalid answer and keeps the position", () => {
    const { session, last } = play([say("Ana"), say("old")]);
    expect(last).toEqual(["I did not understand the number. Write it with digits only, for example: 12", "Ana, how old are you?"]);
    expect(session.at).toEqual({ flow: "demo", node: "ask_age" });
    expect(session.tries).toBe(1);
  });

  it("takes the way out after the limit of tries", () => {
    const { session, last } = play([say("Ana"), say("old"), say("200")]);
    expect(last).toEqual(["This question seems hard. Let’s go on another way.", "Way out."]);
    expect(session.tries).toBe(0);
  });

  it("gives up to the main menu when a question has no way out of its own", () => {
    const { session, last } = play([say("Ana"), say("30"), say("1000"), say("tomorrow"), say("x"), say("y")]);
    expect(last[0]).toBe("I could not understand your answers. I’m taking you to the main menu. You can try again whenever you like.");
    expect(session.at).toEqual({ flow: "menu", node: "main" });
  });

  it("lets an optional question be skipped by button or word", () => {
    expect(play([say("Ana"), say("30"), { type: "button", id: "skip" }]).session.vars.pay).toBeNull();
    expect(play([say("Ana"), say("30"), say("saltar")]).session.vars.pay).toBeNull();
  });

  it("goes back to the previous question", () => {
    const { session, last } = play([say("Ana"), say("30"), say("back")]);
    expect(last).toEqual(["Ana, how old are you?"]);
    expect(session.at?.node).toBe("ask_age");
    const twice = play([say("Ana"), say("back"), say("back")]);
    expect(twice.last).toEqual(["There is no earlier question. We are still here:", "What is your name?"]);
  });

  it("switches language mid-question and asks the same question again", () => {
    const { session, log } = play([say("Ana"), say("idioma"), { type: "button", id: "ht" }]);
    expect(log[2]?.[0]).toContain("Ki lang ou vle pale?");
    expect(log[3]).toEqual(["Dakò, n ap kontinye an kreyòl.", "Ana, ki laj ou?"]);
    expect(session.lang).toBe("ht");
    expect(session.stack).toEqual([]);
  });

  it("goes to the menu and restarts from any step", () => {
    const menu = play([say("Ana"), say("MENÚ")]);
    expect(menu.session.at).toEqual({ flow: "menu", node: "main" });
    const restart = play([say("Ana"), say("restart")]);
    expect(restart.session.vars).toEqual({});
    expect(restart.last[0]).toContain("Hello!");
  });

  it("treats a button that is not on the current step as expired", () => {
    const { session: s0 } = begin(env, null, "demo-sub", "es");
    const forged = step(env, s0, { type: "button", id: "green" });
    expect(texts(forged.outputs)[0]).toBe("Ese menú ya no está activo. Este es el paso en el que vas:");
    expect(forged.session.at).toEqual(s0.at);
    const old = step(env, s0, { type: "button", id: "red", ref: "zzz" });
    expect(texts(old.outputs)[0]).toBe("Ese menú ya no está activo. Este es el paso en el que vas:");
    const current = step(env, s0, { type: "button", id: "red", ref: stepRef(s0.at as NonNullable<Session["at"]>) });
    expect(current.session.vars.color).toBe("red");
  });

  it("matches choices by number, label in any language, or id", () => {
    const { session: s0 } = begin(env, null, "demo-sub", "es");
    for (const text of ["2", "azul", "AZUL", "Blue", "ble", "blue"]) expect(step(env, s0, say(text)).session.vars.color).toBe("blue");
    expect(texts(step(env, s0, say("9")).outputs)[0]).toBe(
      "No entendí. Responde con el número de una opción (del 1 al 2) o toca un botón.",
    );
  });

  it("never changes the session it was given", () => {
    const { session } = begin(env, null, "demo", "en");
    const frozen = structuredClone(session);
    step(env, session, say("Ana"));
    expect(session).toEqual(frozen);
  });

  it("returns to the menu when the stored step no longer exists", () => {
    const { session } = begin(env, null, "demo", "en");
    const moved = step(env, { ...session, at: { flow: "demo", node: "gone" } }, say("hi"));
    expect(texts(moved.outputs)[0]).toBe("We made changes to this chat, so I’m taking you to the menu. Sorry about that.");
    expect(moved.session.at).toEqual({ flow: "menu", node: "main" });
  });

  it("answers hostile input with a clear reply and no change of place", () => {
    const { session } = begin(env, null, "demo", "es");
    const cases: [string, string][] = [
      ["", "No recibí ningún texto. Escribe tu respuesta, por favor."],
      ["\u0000\u0007\u001b", "No recibí ningún texto. Escribe tu respuesta, por favor."],
      ["x".repeat(100_000), "Tu mensaje es muy largo. Por favor escribe menos de 4000 letras."],
    ];
    for (const [text, reply] of cases) {
      const result = step(env, session, say(text));
      expect(texts(result.outputs)).toEqual([reply, "¿Cómo te llamas?"]);
      expect(result.session.at).toEqual(session.at);
    }
    const unsupported = step(env, session, { type: "unsupported" });
    expect(texts(unsupported.outputs)[0]).toBe("Solo puedo leer mensajes de texto. Escribe tu respuesta, por favor.");
  });
});
