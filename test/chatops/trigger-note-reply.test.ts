import { describe, expect, it } from 'vitest';
import { toTriggerNoteReply } from '../../src/chatops/views/thread-replies.js';

describe('toTriggerNoteReply', () => {
  it('keeps an incident key with backticks inside its code span, and escapes the summary', () => {
    const text = toTriggerNoteReply({
      reason: 'same-incident',
      incidentKey: 'alarm:1:eu-west-1:`*CPU*`',
      summary: 'alarm <!channel> & co ALARM',
    });

    expect(text).toBe(
      ":repeat: Another message for this incident (`alarm:1:eu-west-1:'*CPU*'`), not started again: alarm &lt;!channel&gt; &amp; co ALARM",
    );
    expect(text.split('`')).toHaveLength(3);
  });

  it('says when the alarm behind the run changed', () => {
    const text = toTriggerNoteReply({
      reason: 'alarm-state-change',
      incidentKey: 'k',
      summary: 'alarm EC2-CPU ALARM -> OK',
    });

    expect(text).toBe(
      ':bell: The alarm that started this run changed: alarm EC2-CPU ALARM -&gt; OK',
    );
  });
});
