export { runExercise, loadExercise } from './run-exercise.js';
export type { ExerciseReport, ExpectationResult, RunExerciseOptions } from './run-exercise.js';
export { formatReport } from './format-report.js';
export { exerciseSchema } from './exercise-schema.js';
export type { Exercise, ExerciseInject } from './exercise-schema.js';
