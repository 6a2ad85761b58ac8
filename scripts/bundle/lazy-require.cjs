// Bundled into dist/bundle by scripts/build-bundle.js, as what some dependencies' `require()`s of
// other packages resolve to (their own source is left as published): a stand-in for the whole
// package that loads it on first use (a property read, a call, `new`, `instanceof`, `in`...), so a
// run evaluates only the packages it reaches.
'use strict'

/**
 * @param {() => any} load returns the real module (a bundled `require`)
 * @param {{callable?: boolean, esModule?: unknown}} [options] callable: the module is a function or
 *   class (calls, `new` and `instanceof` then go to it). esModule: the real module's `__esModule`,
 *   known when the bundle is built; given, it is answered without loading the module, because
 *   TypeScript's `__importDefault(require(...))` reads it as soon as the requiring file is evaluated.
 */
exports.lazyRequire = function lazyRequire(load, options = {}) {
  const {callable = false} = options
  const knowsEsModule = Object.hasOwn(options, 'esModule')
  let loaded = false
  let module
  const real = () => {
    if (!loaded) {
      module = load()
      loaded = true
    }
    return module
  }
  // The proxy's target only gives it the right kind (object or function); everything is forwarded.
  const target = callable ? function lazyModule() {} : {}
  return new Proxy(target, {
    get: (_, key) => (key === '__esModule' && knowsEsModule && !loaded ? options.esModule : real()[key]),
    set: (_, key, value) => {
      real()[key] = value
      return true
    },
    has: (_, key) => key in real(),
    ownKeys: () => {
      const keys = Reflect.ownKeys(real())
      // A function target's own non-configurable `prototype` must be reported (a proxy invariant).
      return callable && !keys.includes('prototype') ? [...keys, 'prototype'] : keys
    },
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Object.getOwnPropertyDescriptor(real(), key)
      if (callable && key === 'prototype') return Object.getOwnPropertyDescriptor(target, key)
      // Properties the target lacks may only be reported as configurable (a proxy invariant).
      return descriptor && {...descriptor, configurable: true}
    },
    getPrototypeOf: () => Object.getPrototypeOf(real()),
    apply: (_, thisArg, args) => Reflect.apply(real(), thisArg, args),
    construct: (_, args, newTarget) => Reflect.construct(real(), args, newTarget === target ? real() : newTarget),
  })
}
