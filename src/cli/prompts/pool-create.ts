/** Interactive `pool create`: the questions for what the command line left out, each answer checked as the flag is. */
import type {PoolCreateQuestions} from '../../app/pools/create.js'
import {validatePoolName} from '../../app/pools/validate.js'
import type {PoolTypeFlag} from '../../domain/pools.js'
import {validatorFrom} from '../../ui/prompt.js'
import type {Questions} from '../../ui/prompter.js'

export function poolCreateQuestions(prompter: Questions): PoolCreateQuestions {
  return {
    name: () => prompter.input('Pool name:', {validate: validatorFrom((v) => validatePoolName(v))}),
    type: () => prompter.select<PoolTypeFlag>('Pool type:', [
      {name: 'static (workers you register)', value: 'static'},
      {name: 'dynamic (Octopus Cloud provides the workers)', value: 'dynamic'},
    ]),
    workerType: (types) => prompter.select('Worker type:', types.map((t) => ({name: t.Description ? `${t.Type} (${t.Description})` : t.Type, value: t.Type}))),
  }
}
