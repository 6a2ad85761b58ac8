import {Entry, AsyncEntry} from '@napi-rs/keyring'
const e = new AsyncEntry('octoworkers-probe', 'acct', {linux: {store: 'secret-service'}})
const step = async (name, f) => { try { console.log(name, JSON.stringify(await f())) } catch (err) { console.log(name, 'THROW', err?.code, err?.message) } }
await step('getSecret-before', () => e.getSecret())
await step('getPassword-before', () => e.getPassword())
if (process.argv[2] === 'set') await step('set', () => e.setPassword('API-SECRET123456'))
await step('getSecret', () => e.getSecret())
await step('getPassword', () => e.getPassword())
await step('delete', () => e.deleteCredential())
await step('delete2', () => e.deleteCredential())
