// Whether a decoded recording's subject is one the model learned from (its bundle's provenance.trainingSubjects) or
// one that chose when its training stopped (the validation subjects of its evaluation). Agreement with the labels of
// such a recording says little about how the model decodes new people: the demo recording's subject is a training
// subject of the demo model, and its trials agree almost perfectly (issue 15). The Decode view's agreement panel and
// `specmoe predict --annotations` say so, with the model's score on subjects it never saw.
import type { ModelBundleConfig } from '../io/bundleConfig';
import { subjectOf } from './labels';

export interface SeenSubject {
  /** The recording's subject from its file name (subjectOf), as the bundle writers name the subjects. */
  readonly subject: string;
  /** 'train': the model learned from it; 'validation': it chose when training stopped. */
  readonly split: 'train' | 'validation';
  /** Subjects in that split. */
  readonly splitSubjects: number;
  /** Balanced accuracy on the subjects no stage saw (the bundle's test evaluation); null when not recorded. */
  readonly heldOutBalancedAccuracy: number | null;
  /** What the agreement panel and the CLI say about it, in one paragraph. */
  readonly message: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The caveat for an agreement measured on `recordingName` with this bundle's model; null when none applies. */
export function seenSubject(bundle: Pick<ModelBundleConfig, 'provenance' | 'evaluation'> | null | undefined, recordingName: string): SeenSubject | null {
  if (!bundle) return null;
  const subject = subjectOf(recordingName);
  const training = bundle.provenance.trainingSubjects ?? [];
  const validation = bundle.evaluation?.find((e) => e.split === 'validation')?.subjects ?? [];
  const split = training.includes(subject) ? 'train' : validation.includes(subject) ? 'validation' : null;
  if (split === null) return null;
  const splitSubjects = split === 'train' ? training.length : validation.length;
  const kind = split === 'train' ? 'training' : 'validation';
  const which = splitSubjects === 1 ? `this model's only ${kind} subject` : `one of this model's ${splitSubjects} ${kind} subjects`;
  const why =
    split === 'train'
      ? 'this agreement is on data the model learned from, not a measure of how it decodes new people.'
      : 'it chose when training stopped, so this agreement is not a measure of how the model decodes new people.';
  const test = bundle.evaluation?.find((e) => e.split === 'test');
  const unseen = test?.subjects.length ? `On ${test.subjects.length} subject${test.subjects.length === 1 ? '' : 's'} it never saw` : 'On subjects it never saw';
  const heldOut = test ? `${unseen} it scores ${pct(test.balancedAccuracy)} balanced accuracy (model card).` : 'Its bundle records no score on subjects it never saw.';
  return { subject, split, splitSubjects, heldOutBalancedAccuracy: test?.balancedAccuracy ?? null, message: `${subject} was ${which}: ${why} ${heldOut}` };
}
