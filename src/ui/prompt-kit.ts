/**
 * The prompts this tool uses, and only those: prompt.ts imports this module (on first prompt)
 * instead of the whole of @inquirer/prompts, so the bundle leaves out the editor prompt, which
 * brings iconv-lite and its encoding tables (about 600 KB that every run would read).
 */
export {checkbox, input, password, select} from '@inquirer/prompts'
