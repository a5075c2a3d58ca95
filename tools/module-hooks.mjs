// Node module hooks for the bundled zokrates command: zokrates-js' import of pako resolves to
// inflate-cache.mjs, which caches the inflated WebAssembly module.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "pako" && context.parentURL?.includes("/node_modules/zokrates-js/"))
    return { url: new URL("./inflate-cache.mjs", import.meta.url).href, shortCircuit: true };
  return nextResolve(specifier, context);
}
