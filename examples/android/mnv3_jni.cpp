// JNI bindings for a Java/Kotlin class com.example.mnv3.Classifier:
//   static native long create(String tflitePath, int threads);   // 0 on failure
//   static native int top1(long handle, byte[] rgb, int width, int height);
//   static native void destroy(long handle);
#include "mnv3_classifier.h"

#include <android/log.h>
#include <jni.h>

extern "C" JNIEXPORT jlong JNICALL Java_com_example_mnv3_Classifier_create(JNIEnv *env, jclass, jstring path, jint threads) {
    const char *p = env->GetStringUTFChars(path, nullptr);
    const char *error = nullptr;
    mnv3_classifier *c = mnv3_classifier_create(p, threads, &error);
    if (!c) __android_log_print(ANDROID_LOG_ERROR, "mnv3", "%s", error);
    env->ReleaseStringUTFChars(path, p);
    return reinterpret_cast<jlong>(c);
}

extern "C" JNIEXPORT jint JNICALL Java_com_example_mnv3_Classifier_top1(JNIEnv *env, jclass, jlong handle, jbyteArray rgb,
                                                                        jint width, jint height) {
    if (env->GetArrayLength(rgb) < jsize(width) * height * 3) return -1;
    jbyte *px = env->GetByteArrayElements(rgb, nullptr);
    int top = mnv3_classifier_top1(reinterpret_cast<mnv3_classifier *>(handle), reinterpret_cast<const uint8_t *>(px),
                                   width, height, nullptr);
    env->ReleaseByteArrayElements(rgb, px, JNI_ABORT);
    return top;
}

extern "C" JNIEXPORT void JNICALL Java_com_example_mnv3_Classifier_destroy(JNIEnv *, jclass, jlong handle) {
    mnv3_classifier_destroy(reinterpret_cast<mnv3_classifier *>(handle));
}
