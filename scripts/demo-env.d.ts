export declare const DEMO_DROPPED_ENV: string[]
export declare function demoEnv(processEnv: NodeJS.ProcessEnv, scratch: string): NodeJS.ProcessEnv
